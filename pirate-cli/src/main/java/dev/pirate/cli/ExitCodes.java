package dev.pirate.cli;

import java.io.PrintWriter;

import dev.pirate.client.PirateRemoteException;
import dev.pirate.client.PirateTimeoutException;
import dev.pirate.client.PirateUnknownServiceException;

/**
 * Exit codes of every {@code pirate} subcommand, and the one place that turns a failure into one
 * line on stderr and its exit code, so scripts can tell a slow service from a missing one.
 */
public final class ExitCodes {

    /** The command did what was asked. */
    public static final int OK = 0;

    /** Any failure without a code of its own. */
    public static final int FAILURE = 1;

    /** Every attempt of a request timed out. */
    public static final int TIMEOUT = 2;

    /** The broker knows no worker for the service. */
    public static final int UNKNOWN_SERVICE = 3;

    /** The service's handler failed and said why. */
    public static final int REMOTE_FAILURE = 4;

    /** The command line was invalid: {@code EX_USAGE} from sysexits.h, clear of the codes above. */
    public static final int USAGE = 64;

    private ExitCodes() {
    }

    /**
     * Reports a failure on one line and returns its exit code. Arguments rejected by the core
     * (a service name with a space, a liveness of 0) are usage errors like those picocli finds.
     * @param failure what went wrong
     * @param err where to report it
     * @return the exit code
     */
    public static int report(RuntimeException failure, PrintWriter err) {
        String message = failure.getMessage();
        err.println((message != null) ? message : failure.toString());
        err.flush();
        return exitCode(failure);
    }

    private static int exitCode(RuntimeException failure) {
        if (failure instanceof PirateTimeoutException) {
            return TIMEOUT;
        }
        if (failure instanceof PirateUnknownServiceException) {
            return UNKNOWN_SERVICE;
        }
        if (failure instanceof PirateRemoteException) {
            return REMOTE_FAILURE;
        }
        if (failure instanceof IllegalArgumentException) {
            return USAGE;
        }
        return FAILURE;
    }
}
