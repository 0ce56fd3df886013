package dev.pirate.benchmarks.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A child's standard output, redirected to a file: awaited for a line, and counted in lines. A file
 * rather than a pipe, so a child that prints a flood never blocks on a reader that fell behind.
 */
final class LogFile {

    private static final long POLL_MILLIS = 50;

    private final Path path;

    LogFile(Path path) {
        this.path = path;
    }

    Path path() {
        return this.path;
    }

    /** Its size in bytes now, a mark to read or count from later. */
    long size() {
        try {
            return Files.exists(this.path) ? Files.size(this.path) : 0;
        }
        catch (IOException ex) {
            return 0;
        }
    }

    /**
     * Waits for a line that starts with a prefix, written after a mark.
     * @param alive checked on every poll: a child that ended will print nothing more
     * @return the rest of the line
     * @throws IllegalStateException if the line does not come in time; the message ends with the file's tail
     */
    String await(long from, String prefix, Duration timeout, BooleanSupplier alive)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : linesFrom(from)) {
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length());
                }
            }
            if (!alive.getAsBoolean() || System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("No line '" + prefix + "' from " + this.path.getFileName()
                        + (alive.getAsBoolean() ? " in time" : " (process ended)") + "; it ends with: " + tail());
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Counts the lines written after a mark (a last line without its newline counts too). */
    long linesFrom(long from, long to) throws IOException {
        byte[] bytes = Files.readAllBytes(this.path);
        long lines = 0;
        int end = (int) Math.min(to, bytes.length);
        for (int i = (int) Math.min(from, end); i < end; i++) {
            if (bytes[i] == '\n') {
                lines++;
            }
        }
        return (end > from && bytes[end - 1] != '\n') ? lines + 1 : lines;
    }

    private List<String> linesFrom(long from) throws IOException {
        if (!Files.exists(this.path)) {
            return List.of();
        }
        byte[] bytes = Files.readAllBytes(this.path);
        int start = (int) Math.min(from, bytes.length);
        return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8).lines().toList();
    }

    /** The last few hundred characters, for error messages. */
    String tail() {
        try {
            String all = Files.exists(this.path) ? new String(Files.readAllBytes(this.path), StandardCharsets.UTF_8) : "";
            return all.substring(Math.max(0, all.length() - 600));
        }
        catch (IOException ex) {
            return "(unreadable: " + ex.getMessage() + ")";
        }
    }
}
