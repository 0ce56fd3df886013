/**
 * JMH micro-benchmarks of Pirate's hot paths: receiving frames, one request's trip through the
 * broker, and how that trip's cost changes with 1 to 1000 services and connected workers. Run them
 * with {@code java -jar pirate-benchmarks/target/benchmarks.jar}; JMH needs its state and benchmark
 * classes public and not final, as it generates subclasses of them. {@link WorkerMemoryProbe} is a
 * plain program in the same jar: the broker's memory per idle worker connection.
 */
package dev.pirate.benchmarks;
