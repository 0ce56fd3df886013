/**
 * JMH micro-benchmarks of Pirate's hot paths: receiving frames, and one request's trip through the
 * broker. Run them with {@code java -jar pirate-benchmarks/target/benchmarks.jar}; JMH needs its
 * state and benchmark classes public and not final, as it generates subclasses of them.
 */
package dev.pirate.benchmarks;
