package dev.pirate.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Tests for {@link ServiceRules}.
 */
class ServiceRulesTest {

    private static final String ALICE = CurveCertificate.generate().publicKey();

    private static final String BOB = CurveCertificate.generate().publicKey();

    @Test
    void withoutRulesEveryoneMayServeAndCallEverything() {
        assertThat(ServiceRules.NONE.mayServe("anything", null)).isTrue();
        assertThat(ServiceRules.NONE.mayCall("anything", BOB)).isTrue();
    }

    @Test
    void aServiceUsesItsOwnRuleElseTheStarRuleElseNobody() {
        ServiceRules rules = ServiceRules.builder()
            .service("payments", List.of(ALICE), List.of(BOB))
            .service("*", List.of(), List.of("*"))
            .build();
        assertThat(rules.mayServe("payments", ALICE)).isTrue();
        assertThat(rules.mayServe("payments", BOB)).isFalse();
        assertThat(rules.mayCall("payments", BOB)).isTrue();
        assertThat(rules.mayCall("payments", ALICE)).isFalse();
        assertThat(rules.mayCall("other", ALICE)).as("'*' rule: any key may call").isTrue();
        assertThat(rules.mayServe("other", ALICE)).as("'*' rule: nobody may serve").isFalse();

        ServiceRules strict = ServiceRules.builder().service("payments", List.of(ALICE), List.of(BOB)).build();
        assertThat(strict.mayCall("other", BOB)).as("no rule applies: nobody").isFalse();
        assertThat(strict.mayCall("mmi.service", null)).as("the broker's own services stay open").isTrue();
    }

    @Test
    void aPeerWithoutAKeyMatchesOnlyTheStar() {
        ServiceRules rules = ServiceRules.builder()
            .service("open", List.of("*"), List.of("*"))
            .service("closed", List.of(ALICE), List.of(ALICE))
            .build();
        assertThat(rules.mayCall("open", null)).isTrue();
        assertThat(rules.mayCall("closed", null)).isFalse();
    }

    @Test
    void aBadKeyOrServiceNameIsRefusedNamingTheServiceAndEntry() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> ServiceRules.builder().service("payments", List.of(ALICE, "nope"), List.of()))
            .withMessageContaining("workers of service 'payments', entry 2")
            .withMessageContaining("40 Z85 characters");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> ServiceRules.builder().service("mmi.service", List.of(), List.of()))
            .withMessageContaining("mmi.service");
    }
}
