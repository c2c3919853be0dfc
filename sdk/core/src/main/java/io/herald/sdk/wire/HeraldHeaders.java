package io.herald.sdk.wire;

/**
 * Kafka header names of Herald's wire format: CloudEvents 1.0 Kafka binary mode plus Herald's own.
 */
public final class HeraldHeaders {

    public static final String CE_SPECVERSION = "ce_specversion";
    public static final String CE_ID = "ce_id";
    public static final String CE_SOURCE = "ce_source";
    public static final String CE_TYPE = "ce_type";
    public static final String CE_TIME = "ce_time";
    /** The URI of the schema version the payload was written with (optional). */
    public static final String CE_DATASCHEMA = "ce_dataschema";
    public static final String CONTENT_TYPE = "content-type";
    public static final String SPEC_VERSION = "1.0";

    public static final String ATTEMPT = "herald-attempt";
    public static final String DELAY = "herald-delay";
    /** Epoch milliseconds after which consumers dead-letter the record as {@code expired} instead of handing it on. */
    public static final String EXPIRES_AT = "herald-expires-at";
    /** Due time of a delayed record, epoch milliseconds (on {@link HeraldTopics#DELAY}). */
    public static final String DELAY_UNTIL = "herald-delay-until";
    /** The topic a delayed, half or replayed record is finally meant for. */
    public static final String TARGET_TOPIC = "herald-target-topic";
    /** Id a caller may use to cancel a delayed record before it is due. */
    public static final String DELAY_ID = "herald-delay-id";
    public static final String TX = "herald-tx";
    public static final String REPLAY_OF = "herald-replay-of";
    /** The replay job that re-delivered a record. */
    public static final String REPLAY_JOB = "herald-replay-job";
    public static final String TRACE_SAMPLED = "herald-trace-sampled";
    public static final String TRACEPARENT = "traceparent";

    public static final String DLT_EXCEPTION_CLASS = "herald-dlt-exception-class";
    public static final String DLT_EXCEPTION_MESSAGE = "herald-dlt-exception-message";
    public static final String DLT_REASON = "herald-dlt-reason";
    public static final String DLT_ORIGINAL_TOPIC = "herald-dlt-original-topic";
    public static final String DLT_ORIGINAL_PARTITION = "herald-dlt-original-partition";
    public static final String DLT_ORIGINAL_OFFSET = "herald-dlt-original-offset";
    public static final String DLT_GROUP = "herald-dlt-group";

    private HeraldHeaders() {
    }
}
