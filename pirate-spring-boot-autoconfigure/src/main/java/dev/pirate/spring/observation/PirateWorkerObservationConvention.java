package dev.pirate.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} of {@link dev.pirate.spring.MajordomoService @MajordomoService} handlers;
 * define a bean of this type to change names or keys.
 */
public interface PirateWorkerObservationConvention extends ObservationConvention<PirateWorkerObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof PirateWorkerObservationContext;
    }
}
