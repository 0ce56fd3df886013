package dev.pirate.benchmarks.faults;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What became of every request of a scenario, counted per request id: ids handed out, replies per
 * id, refusals, and the reasons of every failure. Thread-safe.
 * <p>
 * A refusal on the wire carries no request id, so a raw client's refusals are counted per group
 * and charged to that group's requests that got no answer; a {@code MajordomoClient} call knows its
 * id and charges its own.
 */
final class Ledger {

    private final AtomicLong lastId = new AtomicLong();

    private final Map<Long, String> groupOf = new ConcurrentHashMap<>();

    private final Map<String, Group> groups = new ConcurrentHashMap<>();

    /**
     * Hands out the id of a new request.
     * @param group the kind of request, for the per-group notes
     */
    long issue(String group) {
        long id = this.lastId.incrementAndGet();
        this.groupOf.put(id, group);
        group(group).sent.incrementAndGet();
        return id;
    }

    /** Tells whether this ledger handed out the id. */
    boolean issued(long id) {
        return this.groupOf.containsKey(id);
    }

    /** Counts a reply that carried a request id; an id never issued counts as unrecognized. */
    void answered(long id) {
        String group = this.groupOf.get(id);
        if (group == null) {
            reason("?", "unrecognized reply");
            return;
        }
        group(group).replies.computeIfAbsent(id, (k) -> new AtomicInteger()).incrementAndGet();
    }

    /** Counts a refusal or error the caller received for a known request. */
    void refused(long id, String reason) {
        String group = this.groupOf.get(id);
        group(group).refusedIds.add(id);
        reason(group, reason);
    }

    /** Counts a refusal that arrived without its request id. */
    void refusedUnattributed(String group, String reason) {
        group(group).unattributed.incrementAndGet();
        reason(group, reason);
    }

    /** Records why a caller gave up on a request (it stays unanswered, so it counts as lost). */
    void gaveUp(long id, String reason) {
        reason(this.groupOf.get(id), "gave up: " + reason);
    }

    /** Records a reply that matched no request. */
    void unrecognized(String group) {
        reason(group, "unrecognized reply");
    }

    private void reason(String group, String reason) {
        group(group).reasons.computeIfAbsent(reason, (k) -> new LongAdder()).increment();
    }

    private Group group(String name) {
        return this.groups.computeIfAbsent(name, (k) -> new Group());
    }

    /** Counts every group together. */
    Tally total() {
        Tally total = new Tally(0, 0, 0, 0, 0, Map.of());
        for (Group group : this.groups.values()) {
            total = total.plus(group.tally());
        }
        return total;
    }

    /** Counts each group alone, by name. */
    Map<String, Tally> byGroup() {
        Map<String, Tally> tallies = new TreeMap<>();
        this.groups.forEach((name, group) -> tallies.put(name, group.tally()));
        return tallies;
    }

    /**
     * The fate of a set of requests. {@code answered + refused + lost == sent}.
     * @param sent requests sent
     * @param answered requests with at least one reply
     * @param refused requests without reply that got a refusal or error
     * @param lost requests with neither
     * @param duplicated requests with more than one reply
     * @param reasons how often each refusal reason or give-up cause was seen
     */
    record Tally(long sent, long answered, long refused, long lost, long duplicated, Map<String, Long> reasons) {

        Tally plus(Tally other) {
            Map<String, Long> merged = new TreeMap<>(this.reasons);
            other.reasons.forEach((k, v) -> merged.merge(k, v, Long::sum));
            return new Tally(this.sent + other.sent, this.answered + other.answered, this.refused + other.refused,
                    this.lost + other.lost, this.duplicated + other.duplicated, merged);
        }
    }

    private static final class Group {

        final AtomicLong sent = new AtomicLong();

        final Map<Long, AtomicInteger> replies = new ConcurrentHashMap<>();

        final Set<Long> refusedIds = ConcurrentHashMap.newKeySet();

        final AtomicLong unattributed = new AtomicLong();

        final Map<String, LongAdder> reasons = new ConcurrentHashMap<>();

        Tally tally() {
            long sent = this.sent.get();
            long answered = this.replies.size();
            long duplicated = this.replies.values().stream().filter((n) -> n.get() > 1).count();
            long refused = this.refusedIds.stream().filter((id) -> !this.replies.containsKey(id)).count();
            // Refusals without an id can only have been for requests nothing else accounts for.
            refused += Math.min(this.unattributed.get(), sent - answered - refused);
            Map<String, Long> reasons = new TreeMap<>();
            this.reasons.forEach((k, v) -> reasons.put(k, v.sum()));
            return new Tally(sent, answered, refused, sent - answered - refused, duplicated, reasons);
        }
    }
}
