package io.herald.sdk.internal.config;

import static io.herald.sdk.HeraldSettings.*;
import static io.herald.sdk.internal.config.SettingsTable.Type.*;
import static io.herald.sdk.internal.config.SettingsTable.atLeast;
import static io.herald.sdk.internal.config.SettingsTable.between;
import static io.herald.sdk.internal.config.SettingsTable.matches;
import static io.herald.sdk.internal.config.SettingsTable.oneOf;

import io.herald.sdk.HeraldConfigException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The parsed, validated SDK settings plus the Kafka pass-through properties. */
public final class HeraldConfig {

    public static final SettingsTable TABLE = new SettingsTable()
            .defineRequired(APP, STRING, matches("[a-zA-Z0-9._-]+", "letters, digits, '.', '_', '-'"),
                    "Name of this app in the Herald catalog; also the CloudEvents source and the default consumer group.")
            .define(CONTROL_PLANE_URL, STRING, null, matches("https?://.+", "an http(s) URL"),
                    "Base URL of the Herald control plane. Unset: no config push (code-declared bindings, no pre-send catalog checks unless a snapshot is cached or given).")
            .define(CONTROL_PLANE_API_KEY, PASSWORD, null, null,
                    "The app's API key, sent as a bearer token.")
            .define(CONTROL_PLANE_REQUEST_TIMEOUT_MS, LONG, 40_000L, atLeast(1_000),
                    "Read timeout of control-plane calls; must exceed the long-poll hold (about 30 s).")
            .define(CONTROL_PLANE_STARTUP_TIMEOUT_MS, LONG, 5_000L, atLeast(0),
                    "How long start-up waits for the first snapshot before running from the cached one.")
            .define(CONTROL_PLANE_RETRY_BACKOFF_MS, LONG, 1_000L, atLeast(10),
                    "First wait before polling again after the control plane failed.")
            .define(CONTROL_PLANE_RETRY_BACKOFF_MAX_MS, LONG, 15_000L, atLeast(10),
                    "Longest wait between polls while the control plane is unreachable.")
            .define(CONTROL_PLANE_POLL_JITTER_MS, LONG, 300L, between(0, 60_000),
                    "Random pause of up to this long before each config long-poll after an answer, so a fleet's polls do not arrive in step; back-off after a failure (503/429 with its Retry-After, connection refused) is jittered too.")
            .define(HEARTBEAT_INTERVAL_MS, LONG, 10_000L, atLeast(100),
                    "Interval of instance heartbeats to the control plane.")
            .define(CONFIG_CACHE_DIR, STRING, ".herald", null,
                    "Folder where the last config snapshot is kept (file APP-config.json); empty string = no cache.")
            .define(KAFKA_BOOTSTRAP_SERVERS, STRING, null, null,
                    "Kafka bootstrap servers (host:port,...); required with the Kafka transport.")
            .define(PRODUCER_ACKS, STRING, "all", oneOf("all", "-1", "1", "0"),
                    "Producer acks.")
            .define(PRODUCER_IDEMPOTENCE, BOOLEAN, true, null,
                    "Idempotent producer (no duplicates from producer retries); needs acks=all.")
            .define(PRODUCER_MAX_BLOCK_MS, LONG, 10_000L, atLeast(0),
                    "Longest time a send may block its caller when Kafka is unreachable or the buffer is full; then BrokerUnavailableException.")
            .define(PRODUCER_DELIVERY_TIMEOUT_MS, LONG, 120_000L, atLeast(1_000),
                    "Upper bound for a record to be acknowledged, retries included.")
            .define(PRODUCER_LINGER_MS, LONG, 5L, atLeast(0),
                    "Producer linger.ms (batching delay).")
            .define(PRODUCER_BATCH_SIZE, INT, 16_384, atLeast(0),
                    "Producer batch.size in bytes.")
            .define(PRODUCER_COMPRESSION, STRING, "none", oneOf("none", "gzip", "snappy", "lz4", "zstd"),
                    "Producer compression.type.")
            .define(PRODUCER_VALIDATE, BOOLEAN, true, null,
                    "Check topic, produce permission, type and JSON Schema against the catalog before sending.")
            .define(PRODUCER_DEFAULT_TYPE, STRING, "message", null,
                    "Type used by send(topic, payload) when no catalog is known.")
            .define(PRODUCER_DATASCHEMA, BOOLEAN, false, null,
                    "Write the CloudEvents dataschema attribute (header ce_dataschema) on records of types with a"
                    + " schema: {control-plane url}/api/v1/topics/{topic}/types/{type}/schemas/{version}. Needs"
                    + " herald.control-plane.url.")
            .define(CONSUMER_POLL_TIMEOUT_MS, LONG, 500L, atLeast(1),
                    "Longest wait of one consumer poll; bounds how fast pause and stop take effect.")
            .define(CONSUMER_MAX_POLL_RECORDS, INT, 500, atLeast(1),
                    "Consumer max.poll.records.")
            .define(CONSUMER_AUTO_OFFSET_RESET, STRING, "earliest", oneOf("earliest", "latest"),
                    "Where a new consumer group starts reading.")
            .define(CONSUMER_DELIVERY_LIMIT, INT, 3, atLeast(1),
                    "Default attempts before dead-lettering, for bindings the control plane does not know yet.")
            .define(CONSUMER_BACKOFF_MS, LONG, 1_000L, atLeast(0),
                    "Default wait before the first retry.")
            .define(CONSUMER_BACKOFF_MULTIPLIER, DOUBLE, 2.0, between(1.0, 100.0),
                    "Default back-off growth factor.")
            .define(CONSUMER_BACKOFF_MAX_MS, LONG, 30_000L, atLeast(0),
                    "Default longest wait between retries.")
            .define(CONSUMER_CONCURRENCY, INT, 1, atLeast(1),
                    "Default consumer threads per binding.")
            .define(CONSUMER_DEDUPE_MAX_IDS, INT, 100_000, atLeast(1),
                    "Message ids each binding with a dedupe window remembers in this instance; beyond it the oldest are forgotten early (a repeat of one is handled again).")
            .define(SHUTDOWN_TIMEOUT_MS, LONG, 30_000L, atLeast(0),
                    "How long close() waits for in-flight handlers before interrupting them (their messages are then redelivered).")
            .define(METRICS_ENABLED, BOOLEAN, true, null,
                    "Record Micrometer meters (needs a MeterRegistry).")
            .define(PRODUCER_MAX_DELAY_MS, LONG, 30L * 24 * 3_600_000, atLeast(1_000),
                    "Longest delay sendDelayed/sendAt accept (default 30 days); later due times fail with DelayTooLongException.")
            .define(TRACING_ENABLED, BOOLEAN, true, null,
                    "Record timepoints (SENT, RECEIVED, HANDLED, FAILED, RETRIED, DEAD_LETTERED, REPLAYED) to herald.trace, sampled by the pushed config; false = none (messages still carry a traceparent, flagged not sampled).")
            .define(TRACING_QUEUE_CAPACITY, INT, 65_536, atLeast(16),
                    "Timepoints buffered for the trace shipper beyond each recording thread's own ring (1,024, or this if smaller); when full, new ones are dropped and counted in herald.trace.dropped (a send never waits). Failures (FAILED, RETRIED, DEAD_LETTERED) have a reserve of as many again.")
            .define(TRACING_LINGER_MS, LONG, 100L, atLeast(0),
                    "How long a timepoint waits for others to share its herald.trace record; also linger.ms of the trace producer (acks=1).")
            .define(TRACING_COMPRESSION, STRING, "none", oneOf("none", "gzip", "snappy", "lz4", "zstd"),
                    "compression.type of the trace producer. Timepoints are already compact (about 40 bytes each), so none costs the least CPU; zstd or lz4 shave a little more off the network.")
            .define(TRACING_TIMEPOINTS_PER_RECORD, INT, 256, between(1, 10_000),
                    "Most timepoints in one herald.trace record (one Kafka record per timepoint costs the client about as much as the traced send).")
            .define(TRACING_RECORD_MAX_BYTES, INT, 65_536, between(1_024, 900_000),
                    "A herald.trace record is written once it reaches this size, however few timepoints it holds (stays below Kafka's 1 MB record limit).")
            .define(REPLAY_ENABLED, BOOLEAN, true, null,
                    "Also consume herald.replay.GROUP for every consumer group with a listener, so replays to one group reach its handlers.")
            .define(REPLAY_DISCOVERY_INTERVAL_MS, LONG, 30_000L, atLeast(1_000),
                    "How often a replay consumer looks for its replay topic when it does not exist yet (its metadata.max.age.ms).");

    /**
     * Kafka client properties that Herald settings cover: passing one through with a different
     * value than the Herald setting is a conflict.
     */
    private static final Map<String, String> KAFKA_EQUIVALENTS = Map.of(
            "bootstrap.servers", KAFKA_BOOTSTRAP_SERVERS,
            "acks", PRODUCER_ACKS,
            "enable.idempotence", PRODUCER_IDEMPOTENCE,
            "max.block.ms", PRODUCER_MAX_BLOCK_MS,
            "delivery.timeout.ms", PRODUCER_DELIVERY_TIMEOUT_MS,
            "linger.ms", PRODUCER_LINGER_MS,
            "batch.size", PRODUCER_BATCH_SIZE,
            "compression.type", PRODUCER_COMPRESSION,
            "max.poll.records", CONSUMER_MAX_POLL_RECORDS,
            "auto.offset.reset", CONSUMER_AUTO_OFFSET_RESET);

    private final Map<String, Object> values;
    private final Map<String, String> kafkaProperties;

    private HeraldConfig(Map<String, Object> values, Map<String, String> kafkaProperties) {
        this.values = values;
        this.kafkaProperties = kafkaProperties;
    }

    /**
     * Parses and validates the settings, folds Kafka pass-through properties that Herald settings
     * cover into those settings, and checks settings against each other.
     *
     * @throws HeraldConfigException naming every setting at fault (both sides of a conflict)
     */
    public static HeraldConfig of(Map<String, ?> settings, Map<String, String> kafkaProperties) {
        Map<String, Object> given = new LinkedHashMap<>(settings);
        List<String> conflicts = new ArrayList<>();
        for (Map.Entry<String, String> e : kafkaProperties.entrySet()) {
            String heraldKey = KAFKA_EQUIVALENTS.get(e.getKey());
            if (heraldKey == null) {
                continue;
            }
            Object heraldValue = given.get(heraldKey);
            if (heraldValue != null && !sameValue(heraldKey, heraldValue, e.getValue())) {
                conflicts.add(heraldKey + "=" + heraldValue + " conflicts with Kafka property " + e.getKey() + "="
                              + e.getValue() + ": set only one");
            } else {
                given.put(heraldKey, e.getValue());
            }
        }
        if ("true".equalsIgnoreCase(kafkaProperties.get("enable.auto.commit"))) {
            conflicts.add("Kafka property enable.auto.commit=true conflicts with Herald's at-least-once delivery "
                          + "(offsets are committed after the handler returned): remove it");
        }
        if (kafkaProperties.containsKey("group.id")) {
            conflicts.add("Kafka property group.id conflicts with the bindings' groups: set the group on each binding");
        }
        if (!conflicts.isEmpty()) {
            throw new HeraldConfigException("Conflicting Herald settings: " + String.join("; ", conflicts));
        }
        Map<String, Object> values = TABLE.parse(given);
        HeraldConfig config = new HeraldConfig(values, Map.copyOf(kafkaProperties));
        config.checkCombinations(given);
        return config;
    }

    private static boolean sameValue(String heraldKey, Object heraldValue, String kafkaValue) {
        SettingsTable.Setting setting = TABLE.settings().stream().filter(s -> s.key().equals(heraldKey)).findFirst()
                .orElseThrow();
        try {
            Object a = SettingsTable.convert(setting.type(), heraldValue);
            Object b = SettingsTable.convert(setting.type(), kafkaValue);
            return Objects.equals(normaliseAcks(heraldKey, a), normaliseAcks(heraldKey, b));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Object normaliseAcks(String key, Object value) {
        return PRODUCER_ACKS.equals(key) && "-1".equals(value) ? "all" : value;
    }

    private void checkCombinations(Map<String, Object> given) {
        List<String> conflicts = new ArrayList<>();
        if (getBoolean(PRODUCER_IDEMPOTENCE) && !"all".equals(normaliseAcks(PRODUCER_ACKS, getString(PRODUCER_ACKS)))) {
            conflicts.add(PRODUCER_IDEMPOTENCE + "=true conflicts with " + PRODUCER_ACKS + "=" + getString(PRODUCER_ACKS)
                          + ": an idempotent producer needs acks=all");
        }
        if (getBoolean(PRODUCER_DATASCHEMA) && getString(CONTROL_PLANE_URL) == null) {
            conflicts.add(PRODUCER_DATASCHEMA + "=true conflicts with no " + CONTROL_PLANE_URL
                          + ": the dataschema URI names the control plane's schema version");
        }
        if (getLong(CONSUMER_BACKOFF_MS) > getLong(CONSUMER_BACKOFF_MAX_MS)) {
            conflicts.add(CONSUMER_BACKOFF_MS + "=" + getLong(CONSUMER_BACKOFF_MS) + " conflicts with "
                          + CONSUMER_BACKOFF_MAX_MS + "=" + getLong(CONSUMER_BACKOFF_MAX_MS) + ": the first wait exceeds the longest");
        }
        if (getLong(CONTROL_PLANE_RETRY_BACKOFF_MS) > getLong(CONTROL_PLANE_RETRY_BACKOFF_MAX_MS)) {
            conflicts.add(CONTROL_PLANE_RETRY_BACKOFF_MS + "=" + getLong(CONTROL_PLANE_RETRY_BACKOFF_MS) + " conflicts with "
                          + CONTROL_PLANE_RETRY_BACKOFF_MAX_MS + "=" + getLong(CONTROL_PLANE_RETRY_BACKOFF_MAX_MS));
        }
        if (getString(CONTROL_PLANE_API_KEY) != null && getString(CONTROL_PLANE_URL) == null) {
            conflicts.add(CONTROL_PLANE_API_KEY + " is set but " + CONTROL_PLANE_URL + " is not: set both or neither");
        }
        if (getLong(PRODUCER_DELIVERY_TIMEOUT_MS) < getLong(PRODUCER_LINGER_MS) + 30_000L
            && given.containsKey(PRODUCER_DELIVERY_TIMEOUT_MS)
            && !kafkaProperties.containsKey("request.timeout.ms")) {
            conflicts.add(PRODUCER_DELIVERY_TIMEOUT_MS + "=" + getLong(PRODUCER_DELIVERY_TIMEOUT_MS) + " conflicts with "
                          + PRODUCER_LINGER_MS + "=" + getLong(PRODUCER_LINGER_MS)
                          + " plus Kafka's request.timeout.ms (30000): it must be at least their sum");
        }
        if (!conflicts.isEmpty()) {
            throw new HeraldConfigException("Conflicting Herald settings: " + String.join("; ", conflicts));
        }
    }

    public String getString(String key) {
        return (String) values.get(key);
    }

    public boolean getBoolean(String key) {
        return (Boolean) values.get(key);
    }

    public int getInt(String key) {
        return (Integer) values.get(key);
    }

    public long getLong(String key) {
        return (Long) values.get(key);
    }

    public double getDouble(String key) {
        return (Double) values.get(key);
    }

    public String app() {
        return getString(APP);
    }

    /** Kafka properties passed through as given (SASL, TLS, ...). */
    public Map<String, String> kafkaProperties() {
        return Collections.unmodifiableMap(kafkaProperties);
    }
}
