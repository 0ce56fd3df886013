package dev.pirate.spring.observation;

import io.micrometer.common.KeyValues;

/**
 * Names a client call {@value #NAME} (span {@code "call <service>"}) with the low-cardinality keys
 * {@code service} and {@code outcome} ({@code success|timeout|unknown_service|failed|refused}), the tags of
 * the {@code pirate.client.requests} timer.
 */
public class DefaultPirateClientObservationConvention implements PirateClientObservationConvention {

    /** The observation's name. */
    public static final String NAME = "pirate.client.call";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(PirateClientObservationContext context) {
        return "call " + context.getService();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(PirateClientObservationContext context) {
        return KeyValues.of("service", context.getService(), "outcome", context.getOutcome().tag());
    }
}
