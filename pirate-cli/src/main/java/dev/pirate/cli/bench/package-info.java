/**
 * {@code pirate bench} and {@code pirate bench-raw}: load generators that keep a number of requests
 * in flight, record every latency in an HdrHistogram and report a summary and one JSON line.
 * <p>
 * A {@link dev.pirate.cli.bench.Schedule} hands out the requests (a count, a duration, an optional
 * fixed rate), a {@link dev.pirate.cli.bench.LoadDriver} keeps them in flight against one target,
 * and a {@link dev.pirate.cli.bench.Measurement} counts what came back.
 */
package dev.pirate.cli.bench;
