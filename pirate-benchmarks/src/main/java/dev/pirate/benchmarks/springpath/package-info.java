/**
 * The in-process comparison of the Spring path with pirate-core: one JVM, one broker, an echo
 * service served and called by each, measured in alternating rounds with {@code pirate bench}'s load
 * ({@link dev.pirate.cli.bench.ClosedLoopBench}). Not a JMH benchmark: start
 * {@link dev.pirate.benchmarks.springpath.SpringPathBenchmark} from the benchmarks jar.
 */
package dev.pirate.benchmarks.springpath;
