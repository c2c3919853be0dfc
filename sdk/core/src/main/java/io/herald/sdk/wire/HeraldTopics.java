package io.herald.sdk.wire;

/** Names of Herald's internal Kafka topics (all start with {@code herald.}). */
public final class HeraldTopics {

    /**
     * Timepoints shipped by SDKs: each record's value is a JSON array of {@link Timepoint}s (by
     * default up to 256 or 64 KiB, gathered for up to 100 ms; {@code herald.tracing.*}), or a
     * single JSON {@link Timepoint} object (SDKs set to one per record, and older ones); keyed by
     * the message id of the first timepoint. Readers must accept both forms.
     */
    public static final String TRACE = "herald.trace";
    /** Delayed records waiting for the server's scheduler; headers carry the due time and target topic. */
    public static final String DELAY = "herald.delay";
    /** Half messages of two-phase transactions, without a Kafka key (the id is in ce_id). */
    public static final String TX_HALF = "herald.tx.half";
    /** Commit/rollback decisions of two-phase transactions, without a Kafka key (the id is in ce_id). */
    public static final String TX_DECISION = "herald.tx.decision";

    private HeraldTopics() {
    }

    /** Check-back requests for one producer app. */
    public static String txCheck(String app) {
        return "herald.tx.check." + app;
    }

    /** Records replayed to one consumer group only; every consumer of the group also reads it. */
    public static String replay(String group) {
        return "herald.replay." + group;
    }
}
