package dev.pirate.sample;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import dev.pirate.client.PirateRefusedException;
import dev.pirate.protocol.RefusalReason;

/**
 * Tests for {@link GatewayExceptionHandler}'s mapping of broker refusals.
 */
@Timeout(30)
class GatewayExceptionHandlerTests {

    private final GatewayExceptionHandler handler = new GatewayExceptionHandler();

    private static PirateRefusedException refusal(RefusalReason reason) {
        return new PirateRefusedException("echo", "tcp://127.0.0.1:5555", reason, reason.word(), "because");
    }

    @Test
    void aRefusalThatMaySucceedLaterIs503WithRetryAfter() {
        ResponseEntity<ProblemDetail> response = this.handler.refused(refusal(RefusalReason.OVERLOADED));
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("1");
        assertThat(response.getBody().getProperties()).containsEntry("reason", "overloaded");
    }

    @Test
    void aRefusalThatNeverSucceedsIs422WithoutRetryAfter() {
        ResponseEntity<ProblemDetail> response = this.handler.refused(refusal(RefusalReason.POISON));
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
        assertThat(response.getHeaders().getFirst("Retry-After")).isNull();
        assertThat(response.getBody().getProperties()).containsEntry("reason", "poison");
    }
}
