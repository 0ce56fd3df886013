package dev.pirate.spring.observation;

import io.micrometer.common.KeyValues;

/**
 * Names a handler run {@value #NAME} (span {@code "handle <service>"}) with the low-cardinality keys
 * {@code service} and {@code outcome} ({@code success|failed}), the tags of the
 * {@code pirate.worker.requests} timer.
 */
public class DefaultPirateWorkerObservationConvention implements PirateWorkerObservationConvention {

    /** The observation's name. */
    public static final String NAME = "pirate.worker.handle";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(PirateWorkerObservationContext context) {
        return "handle " + context.getService();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(PirateWorkerObservationContext context) {
        return KeyValues.of("service", context.getService(), "outcome", context.isSuccess() ? "success" : "failed");
    }
}
