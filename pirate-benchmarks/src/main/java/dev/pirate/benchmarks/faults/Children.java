package dev.pirate.benchmarks.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Every child process the suite starts, so that each one is killed when the suite ends, however it
 * ends: a shutdown hook kills whatever is left. Worker children also leave when their standard input
 * closes, which covers a driver killed with SIGKILL.
 */
final class Children {

    private static final List<Process> STARTED = new CopyOnWriteArrayList<>();

    private static final long WAIT_SECONDS = 10;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Children::killAll, "fault-suite-children"));
    }

    private Children() {
    }

    /** The java launcher of this JVM, so children run on the same JDK. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts a process and remembers it. */
    static Process start(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        STARTED.add(process);
        return process;
    }

    /** Kills a process with SIGKILL and waits for it to be gone. */
    static void kill(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends a signal with {@code kill}: Java has no API for SIGSTOP and SIGCONT.
     * @param signal the signal name without SIG, e.g. {@code STOP}
     */
    static void signal(Process process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        if (!kill.waitFor(WAIT_SECONDS, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** Kills every process started and still running; continues stopped ones, as SIGKILL needs not. */
    static void killAll() {
        for (Process process : STARTED) {
            if (process.isAlive()) {
                kill(process);
            }
        }
        STARTED.clear();
    }
}
