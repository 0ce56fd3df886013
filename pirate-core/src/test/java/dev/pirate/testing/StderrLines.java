package dev.pirate.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what is written to {@code System.err} while open, where slf4j-simple, the tests' logger,
 * writes every line (it looks {@code System.err} up for each line), so a test can count log lines.
 * Close it to restore the real stream.
 */
public final class StderrLines implements AutoCloseable {

    private final PrintStream original = System.err;

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private StderrLines() {
        System.setErr(new PrintStream(this.captured, true, StandardCharsets.UTF_8));
    }

    public static StderrLines capture() {
        return new StderrLines();
    }

    /** Counts the captured lines that contain the text. */
    public long count(String text) {
        String all;
        synchronized (this.captured) {
            all = this.captured.toString(StandardCharsets.UTF_8);
        }
        return all.lines().filter((line) -> line.contains(text)).count();
    }

    @Override
    public void close() {
        System.setErr(this.original);
    }
}
