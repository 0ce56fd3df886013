package dev.pirate.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.pirate.testing.Resources;

/**
 * A broker that cannot bind says which endpoint and the true reason: JeroMQ reports "Address already
 * in use" for an address the host does not have too.
 */
@Timeout(30)
class BrokerBindFailureTest {

    @RegisterExtension
    final Resources resources = new Resources();

    private MajordomoBroker started(String endpoint) {
        MajordomoBroker broker = this.resources.track(MajordomoBroker.builder().bind(endpoint).build());
        broker.start();
        return broker;
    }

    @Test
    void aPortAnotherSocketHoldsIsReportedInUse() {
        String taken = started("tcp://127.0.0.1:*").connectEndpoint();
        MajordomoBroker second = this.resources.track(MajordomoBroker.builder().bind(taken).build());
        assertThatExceptionOfType(BrokerBindException.class).isThrownBy(second::start)
            .withMessage("Cannot bind broker to " + taken + ": the address is already in use (another socket is bound to it)")
            .satisfies((ex) -> {
                assertThat(ex.reason()).isEqualTo(BrokerBindException.Reason.ADDRESS_IN_USE);
                assertThat(ex.endpoint()).isEqualTo(taken);
            });
    }

    @Test
    void anAddressThisHostDoesNotHaveIsReportedNotAvailableNotInUse() {
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a host.
        MajordomoBroker broker = this.resources.track(MajordomoBroker.builder()
            .bind("tcp://127.0.0.1:*")
            .bind("tcp://192.0.2.1:5555")
            .build());
        assertThatExceptionOfType(BrokerBindException.class).isThrownBy(broker::start)
            .withMessage("Cannot bind broker to tcp://192.0.2.1:5555: 192.0.2.1 is not an address of this host")
            .satisfies((ex) -> assertThat(ex.reason())
                .isEqualTo(BrokerBindException.Reason.ADDRESS_NOT_AVAILABLE));
    }

    @Test
    void anUnknownHostIsReportedAsSuch() {
        MajordomoBroker broker = this.resources.track(MajordomoBroker.builder().bind("tcp://no-such-host.invalid:5555").build());
        assertThatExceptionOfType(BrokerBindException.class).isThrownBy(broker::start)
            .withMessageContaining("host 'no-such-host.invalid' is unknown")
            .satisfies((ex) -> assertThat(ex.reason())
                .isEqualTo(BrokerBindException.Reason.UNKNOWN_HOST));
    }
}
