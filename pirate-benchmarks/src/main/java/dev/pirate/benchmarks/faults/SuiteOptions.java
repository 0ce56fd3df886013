package dev.pirate.benchmarks.faults;

import java.nio.file.Path;
import java.util.List;

/**
 * How the suite runs.
 *
 * @param cliJar the pirate CLI jar that runs the brokers
 * @param brokerJvmOptions options for every broker JVM
 * @param quick counts scaled down about 10 times
 * @param workDir where logs and execution records go
 */
record SuiteOptions(Path cliJar, List<String> brokerJvmOptions, boolean quick, Path workDir) {

    /** A count for the run: the full count, or a tenth of it (at least 1) with {@code --quick}. */
    int scaled(int full) {
        return this.quick ? Math.max(1, full / 10) : full;
    }
}
