package io.herald.sdk.wire;

/**
 * The two-phase message protocol between SDKs and the server's transaction worker.
 *
 * <ul>
 *   <li>Half message on {@link HeraldTopics#TX_HALF}, without a Kafka key (the message id is ce_id): value = payload, headers =
 *       the final ce_* headers, {@link HeraldHeaders#TARGET_TOPIC}, {@link HeraldHeaders#TX} = {@link #HALF}
 *       and, when the message has a business key, {@link #KEY}.</li>
 *   <li>Decision on {@link HeraldTopics#TX_DECISION}, without a Kafka key: value = {@link #COMMIT} or
 *       {@link #ROLLBACK} (UTF-8), headers ce_id, ce_source and {@link HeraldHeaders#TX} = {@link #FROM_PRODUCER}
 *       or {@link #FROM_CHECK}.</li>
 *   <li>Check-back request on {@link HeraldTopics#txCheck(String)}, keyed by message id: empty value, headers
 *       ce_id, ce_type, {@link HeraldHeaders#TARGET_TOPIC}, {@link HeraldHeaders#TX} = {@link #CHECK},
 *       {@link #CHECK_NUMBER}. The answer is a decision; no answer means unknown.</li>
 * </ul>
 * Only the first decision for a message id counts; later ones are ignored. Halves and decisions of one
 * message may arrive in any order and on any partitions (older SDKs keyed both by message id; the
 * worker reads the id from ce_id, else from the key).
 */
public final class TxProtocol {

    /** The business key of a half message (the half message itself has no Kafka key). */
    public static final String KEY = "herald-tx-key";
    /** Which check-back this is, 1-based. */
    public static final String CHECK_NUMBER = "herald-tx-check";

    public static final String HALF = "half";
    public static final String CHECK = "check";
    public static final String FROM_PRODUCER = "producer";
    public static final String FROM_CHECK = "check";

    public static final String COMMIT = "COMMIT";
    public static final String ROLLBACK = "ROLLBACK";

    private TxProtocol() {
    }

    /** The consumer group through which an app's instances share its check-back requests. */
    public static String checkGroup(String app) {
        return app + ".herald-tx-check";
    }
}
