package dev.pirate.testing;

import java.util.ArrayDeque;
import java.util.Deque;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test started, last started first, after each test; use with
 * {@code @RegisterExtension}.
 */
public final class Resources implements AfterEachCallback {

    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    /** Registers a resource for closing after the test and returns it. */
    public <T extends AutoCloseable> T track(T resource) {
        this.open.push(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        while (!this.open.isEmpty()) {
            try {
                this.open.pop().close();
            }
            catch (Exception ex) {
                if (first == null) {
                    first = ex;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
