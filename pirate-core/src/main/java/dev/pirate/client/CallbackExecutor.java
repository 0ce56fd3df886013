package dev.pirate.client;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor on which asynchronous requests' futures complete: one small pool shared by
 * every client of the JVM, of daemon threads named {@code pirate-client-callback-N}.
 * <p>
 * Not {@link java.util.concurrent.ForkJoinPool#commonPool()}: its parallelism is one less than the
 * processors, so a single thread on a two-core machine, and parallel streams and every
 * {@code *Async} stage without an executor share it; one caller's blocking continuation would stall
 * every other caller's reply. This pool has at least two threads, so one blocked continuation never
 * holds up another; a queue, unbounded because it holds one small task per reply and a reply is
 * never refused, absorbs bursts. Daemon threads, as ZeroMQ's own are, so a client left open does not
 * keep the JVM alive; idle threads end within seconds, so once its clients are closed (or idle) an
 * application holds none, and a busy one keeps reusing them.
 */
final class CallbackExecutor {

    private static final int THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private static final long KEEP_ALIVE_SECONDS = 2;

    private CallbackExecutor() {
    }

    /** The shared pool, started on first use. */
    static Executor shared() {
        return Holder.POOL;
    }

    private static final class Holder {

        private static final Executor POOL = create();

        private static ThreadPoolExecutor create() {
            AtomicInteger count = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), (task) -> {
                        Thread thread = new Thread(task, "pirate-client-callback-" + count.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    });
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }
    }
}
