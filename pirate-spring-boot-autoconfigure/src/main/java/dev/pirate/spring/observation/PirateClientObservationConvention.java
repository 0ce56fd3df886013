package dev.pirate.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} of {@link dev.pirate.spring.PirateClient PirateClient} calls; define a
 * bean of this type to change names or keys.
 */
public interface PirateClientObservationConvention extends ObservationConvention<PirateClientObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof PirateClientObservationContext;
    }
}
