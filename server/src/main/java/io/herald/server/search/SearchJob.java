package io.herald.server.search;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A console search running (or ended) on this server instance: its progress and the hits found so far. */
public final class SearchJob {

    private final String id;
    private final String owner;
    private final PayloadSearch.Plan plan;
    private final long total;
    private final int maxHits;
    private final Instant startedAt = Instant.now();
    private final List<SearchHit> hits = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile PayloadSearch.Scan scan;
    private volatile PayloadSearch.Summary summary;
    private volatile long lastSeen = System.nanoTime();

    SearchJob(String id, String owner, PayloadSearch.Plan plan, long total, int maxHits) {
        this.id = id;
        this.owner = owner;
        this.plan = plan;
        this.total = total;
        this.maxHits = maxHits;
    }

    public String id() {
        return id;
    }

    public String owner() {
        return owner;
    }

    public PayloadSearch.Plan plan() {
        return plan;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** Records in the range. */
    public long total() {
        return total;
    }

    /** Records read so far. */
    public long scanned() {
        PayloadSearch.Summary s = summary;
        if (s != null) {
            return s.scanned();
        }
        PayloadSearch.Scan current = scan;
        return current == null ? 0 : current.scanned();
    }

    /** Percent of the range read (0 to 100). */
    public int percent() {
        if (summary != null && summary.reason() == PayloadSearch.Reason.END_OF_RANGE) {
            return 100;
        }
        return total == 0 ? (summary == null ? 0 : 100) : (int) Math.min(100, scanned() * 100 / total);
    }

    public boolean running() {
        return summary == null;
    }

    /** How it ended, or null while it runs. */
    public PayloadSearch.Summary summary() {
        return summary;
    }

    public int maxHits() {
        return maxHits;
    }

    public synchronized int hitCount() {
        return hits.size();
    }

    /** The hits from the {@code from}-th on (a copy). */
    public synchronized List<SearchHit> hits(int from) {
        return from >= hits.size() ? List.of() : List.copyOf(hits.subList(Math.max(0, from), hits.size()));
    }

    boolean stopRequested() {
        return stop.get();
    }

    /** Asks it to stop; true when it was still running. */
    boolean requestStop() {
        stop.set(true);
        return running();
    }

    void attach(PayloadSearch.Scan scan) {
        this.scan = scan;
    }

    synchronized void add(SearchHit hit) {
        if (hits.size() < maxHits) {
            hits.add(hit);
        }
    }

    void finish(PayloadSearch.Summary s) {
        this.summary = s;
    }

    void seen() {
        lastSeen = System.nanoTime();
    }

    long lastSeen() {
        return lastSeen;
    }
}
