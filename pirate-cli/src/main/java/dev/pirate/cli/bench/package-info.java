/**
 * {@code pirate bench} and {@code pirate bench-raw}: load generators that keep a number of requests
 * in flight, record every latency in an HdrHistogram and report a summary and one JSON line.
 * <p>
 * A {@link dev.pirate.cli.bench.Schedule} hands out the requests (a count, a duration, an optional
 * fixed rate), a {@link dev.pirate.cli.bench.LoadDriver} keeps them in flight against one target,
 * and a {@link dev.pirate.cli.bench.Measurement} counts what came back.
 * <p>
 * {@link dev.pirate.cli.bench.ClosedLoopBench}, {@link dev.pirate.cli.bench.RoundTrip},
 * {@link dev.pirate.cli.bench.Payload} and {@link dev.pirate.cli.bench.BenchReport} are public so
 * that benchmarks in other modules drive their targets with the same load and report the same JSON.
 */
package dev.pirate.cli.bench;
