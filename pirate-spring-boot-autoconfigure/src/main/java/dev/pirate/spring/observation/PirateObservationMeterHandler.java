package dev.pirate.spring.observation;

import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;

/**
 * Takes Pirate's observations away from Boot's default meter handler, which would time them a second
 * time: {@code pirate.client.requests} and {@code pirate.worker.requests} already do, with the same
 * {@code service} and {@code outcome} tags. Registered ahead of it, so the first-matching group of
 * meter handlers picks this one, which records nothing, for Pirate's contexts only.
 */
public class PirateObservationMeterHandler implements MeterObservationHandler<Observation.Context> {

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof PirateClientObservationContext || context instanceof PirateWorkerObservationContext;
    }
}
