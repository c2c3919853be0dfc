package io.herald.sdk;

/**
 * Keys of the SDK settings, for {@link HeraldBuilder#withSetting(String, Object)} and (as
 * {@code herald.*} properties) the Spring Boot starter. The full table with types, defaults, valid
 * values and descriptions is {@link #markdownTable()} (also in the SDK README). Kafka client
 * properties (SASL, TLS, ...) are passed through separately with
 * {@link HeraldBuilder#withKafkaProperty(String, String)}; one that contradicts a Herald setting
 * fails at start-up naming both.
 */
public final class HeraldSettings {

    public static final String APP = "herald.app";
    public static final String CONTROL_PLANE_URL = "herald.control-plane.url";
    public static final String CONTROL_PLANE_API_KEY = "herald.control-plane.api-key";
    public static final String CONTROL_PLANE_REQUEST_TIMEOUT_MS = "herald.control-plane.request-timeout-ms";
    public static final String CONTROL_PLANE_STARTUP_TIMEOUT_MS = "herald.control-plane.startup-timeout-ms";
    public static final String CONTROL_PLANE_RETRY_BACKOFF_MS = "herald.control-plane.retry-backoff-ms";
    public static final String CONTROL_PLANE_RETRY_BACKOFF_MAX_MS = "herald.control-plane.retry-backoff-max-ms";
    public static final String CONTROL_PLANE_POLL_JITTER_MS = "herald.control-plane.poll-jitter-ms";
    public static final String HEARTBEAT_INTERVAL_MS = "herald.heartbeat.interval-ms";
    public static final String CONFIG_CACHE_DIR = "herald.config-cache.dir";
    public static final String KAFKA_BOOTSTRAP_SERVERS = "herald.kafka.bootstrap-servers";
    public static final String PRODUCER_ACKS = "herald.producer.acks";
    public static final String PRODUCER_IDEMPOTENCE = "herald.producer.idempotence";
    public static final String PRODUCER_MAX_BLOCK_MS = "herald.producer.max-block-ms";
    public static final String PRODUCER_DELIVERY_TIMEOUT_MS = "herald.producer.delivery-timeout-ms";
    public static final String PRODUCER_LINGER_MS = "herald.producer.linger-ms";
    public static final String PRODUCER_BATCH_SIZE = "herald.producer.batch-size";
    public static final String PRODUCER_COMPRESSION = "herald.producer.compression";
    public static final String PRODUCER_VALIDATE = "herald.producer.validate";
    public static final String PRODUCER_DEFAULT_TYPE = "herald.producer.default-type";
    public static final String PRODUCER_DATASCHEMA = "herald.producer.dataschema";
    public static final String CONSUMER_POLL_TIMEOUT_MS = "herald.consumer.poll-timeout-ms";
    public static final String CONSUMER_MAX_POLL_RECORDS = "herald.consumer.max-poll-records";
    public static final String CONSUMER_AUTO_OFFSET_RESET = "herald.consumer.auto-offset-reset";
    public static final String CONSUMER_DELIVERY_LIMIT = "herald.consumer.delivery-limit";
    public static final String CONSUMER_BACKOFF_MS = "herald.consumer.backoff-ms";
    public static final String CONSUMER_BACKOFF_MULTIPLIER = "herald.consumer.backoff-multiplier";
    public static final String CONSUMER_BACKOFF_MAX_MS = "herald.consumer.backoff-max-ms";
    public static final String CONSUMER_CONCURRENCY = "herald.consumer.concurrency";
    public static final String CONSUMER_DEDUPE_MAX_IDS = "herald.consumer.dedupe-max-ids";
    public static final String SHUTDOWN_TIMEOUT_MS = "herald.shutdown-timeout-ms";
    public static final String METRICS_ENABLED = "herald.metrics.enabled";
    public static final String PRODUCER_MAX_DELAY_MS = "herald.producer.max-delay-ms";
    public static final String TRACING_ENABLED = "herald.tracing.enabled";
    public static final String TRACING_QUEUE_CAPACITY = "herald.tracing.queue-capacity";
    public static final String TRACING_LINGER_MS = "herald.tracing.linger-ms";
    public static final String TRACING_COMPRESSION = "herald.tracing.compression";
    public static final String TRACING_TIMEPOINTS_PER_RECORD = "herald.tracing.timepoints-per-record";
    public static final String TRACING_RECORD_MAX_BYTES = "herald.tracing.record-max-bytes";
    public static final String REPLAY_ENABLED = "herald.replay.enabled";
    public static final String REPLAY_DISCOVERY_INTERVAL_MS = "herald.replay.discovery-interval-ms";

    private HeraldSettings() {
    }

    /** Every setting as a Markdown table: key, type, default, valid values, description. */
    public static String markdownTable() {
        return Herald.settingsTable();
    }
}
