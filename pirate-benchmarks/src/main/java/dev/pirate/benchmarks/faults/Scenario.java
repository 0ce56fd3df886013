package dev.pirate.benchmarks.faults;

/**
 * One fault the suite inflicts. It starts what it needs through the {@link Fixture}, marks when its
 * traffic starts and its fault ends, times recovery, and leaves the counting to the fixture.
 */
interface Scenario {

    /** The name used with {@code --scenario} and in the table. */
    String name();

    /** Runs the scenario; every loop in it is bounded in count and time. */
    void run(Fixture fixture) throws Exception;
}
