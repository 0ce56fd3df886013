package dev.pirate.benchmarks.faults;

import java.util.List;
import java.util.concurrent.CompletionException;

import dev.pirate.client.MajordomoClient;
import dev.pirate.client.PirateException;

/**
 * Requests through {@link MajordomoClient}, the way an application calls, with their outcome in the
 * ledger. The client's exceptions are told apart by class name, not by type: a refusal arrives as a
 * {@link PirateException} subclass that this suite need not know at compile time. A timeout means the
 * client gave up without a word from the broker, so the request counts as lost; any other
 * {@code PirateException} is a clear error and counts as refused.
 */
final class Calls {

    private Calls() {
    }

    /** Sends one request synchronously and records its outcome. */
    static void call(MajordomoClient client, Ledger ledger, String group, String service, byte[] body, long id) {
        try {
            answered(ledger, id, client.request(service, List.of(body)));
        }
        catch (RuntimeException ex) {
            failed(ledger, id, ex);
        }
    }

    /** Records a reply: by the id it carries, which must be the request's. */
    static void answered(Ledger ledger, long id, List<byte[]> reply) {
        long replied = Bodies.idOf(reply);
        if (replied == id) {
            ledger.answered(id);
        }
        else {
            ledger.gaveUp(id, "reply carried id " + replied);
        }
    }

    /** Records a failed call. */
    static void failed(Ledger ledger, long id, Throwable failure) {
        Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
                : failure;
        String kind = cause.getClass().getSimpleName();
        if (cause instanceof PirateException && !kind.contains("Timeout")) {
            ledger.refused(id, kind);
        }
        else {
            ledger.gaveUp(id, kind);
        }
    }
}
