package io.herald.sdk.spring;

import io.herald.sdk.HeraldSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code herald.*} properties. Each maps one-to-one to a setting of the SDK's settings table
 * ({@link HeraldSettings}); unset properties take the table's defaults, and the SDK validates all
 * of them together at start-up. Kafka client properties (SASL, TLS, ...) go under
 * {@code herald.kafka.properties.*}.
 */
@ConfigurationProperties("herald")
public class HeraldProperties {

    /** Whether the Herald auto-configuration is active (it also needs herald.app). */
    private boolean enabled = true;

    /** Name of this app in the Herald catalog; also the CloudEvents source and the default consumer group. */
    private String app;

    /** Stop: how long close() waits for in-flight handlers (ms) before interrupting them. Default 30000. */
    private Long shutdownTimeoutMs;

    private final ControlPlane controlPlane = new ControlPlane();
    private final Heartbeat heartbeat = new Heartbeat();
    private final ConfigCache configCache = new ConfigCache();
    private final Kafka kafka = new Kafka();
    private final Producer producer = new Producer();
    private final Consumer consumer = new Consumer();
    private final Metrics metrics = new Metrics();
    private final Tracing tracing = new Tracing();
    private final Replay replay = new Replay();

    /** The SDK settings these properties stand for (only those that were set). */
    public Map<String, Object> toSettings() {
        Map<String, Object> s = new LinkedHashMap<>();
        put(s, HeraldSettings.APP, app);
        put(s, HeraldSettings.SHUTDOWN_TIMEOUT_MS, shutdownTimeoutMs);
        put(s, HeraldSettings.CONTROL_PLANE_URL, controlPlane.url);
        put(s, HeraldSettings.CONTROL_PLANE_API_KEY, controlPlane.apiKey);
        put(s, HeraldSettings.CONTROL_PLANE_REQUEST_TIMEOUT_MS, controlPlane.requestTimeoutMs);
        put(s, HeraldSettings.CONTROL_PLANE_STARTUP_TIMEOUT_MS, controlPlane.startupTimeoutMs);
        put(s, HeraldSettings.CONTROL_PLANE_RETRY_BACKOFF_MS, controlPlane.retryBackoffMs);
        put(s, HeraldSettings.CONTROL_PLANE_RETRY_BACKOFF_MAX_MS, controlPlane.retryBackoffMaxMs);
        put(s, HeraldSettings.CONTROL_PLANE_POLL_JITTER_MS, controlPlane.pollJitterMs);
        put(s, HeraldSettings.HEARTBEAT_INTERVAL_MS, heartbeat.intervalMs);
        put(s, HeraldSettings.CONFIG_CACHE_DIR, configCache.dir);
        put(s, HeraldSettings.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers);
        put(s, HeraldSettings.PRODUCER_ACKS, producer.acks);
        put(s, HeraldSettings.PRODUCER_IDEMPOTENCE, producer.idempotence);
        put(s, HeraldSettings.PRODUCER_MAX_BLOCK_MS, producer.maxBlockMs);
        put(s, HeraldSettings.PRODUCER_DELIVERY_TIMEOUT_MS, producer.deliveryTimeoutMs);
        put(s, HeraldSettings.PRODUCER_LINGER_MS, producer.lingerMs);
        put(s, HeraldSettings.PRODUCER_BATCH_SIZE, producer.batchSize);
        put(s, HeraldSettings.PRODUCER_COMPRESSION, producer.compression);
        put(s, HeraldSettings.PRODUCER_VALIDATE, producer.validate);
        put(s, HeraldSettings.PRODUCER_DEFAULT_TYPE, producer.defaultType);
        put(s, HeraldSettings.PRODUCER_DATASCHEMA, producer.dataschema);
        put(s, HeraldSettings.CONSUMER_POLL_TIMEOUT_MS, consumer.pollTimeoutMs);
        put(s, HeraldSettings.CONSUMER_MAX_POLL_RECORDS, consumer.maxPollRecords);
        put(s, HeraldSettings.CONSUMER_AUTO_OFFSET_RESET, consumer.autoOffsetReset);
        put(s, HeraldSettings.CONSUMER_DELIVERY_LIMIT, consumer.deliveryLimit);
        put(s, HeraldSettings.CONSUMER_BACKOFF_MS, consumer.backoffMs);
        put(s, HeraldSettings.CONSUMER_BACKOFF_MULTIPLIER, consumer.backoffMultiplier);
        put(s, HeraldSettings.CONSUMER_BACKOFF_MAX_MS, consumer.backoffMaxMs);
        put(s, HeraldSettings.CONSUMER_CONCURRENCY, consumer.concurrency);
        put(s, HeraldSettings.CONSUMER_DEDUPE_MAX_IDS, consumer.dedupeMaxIds);
        put(s, HeraldSettings.METRICS_ENABLED, metrics.enabled);
        put(s, HeraldSettings.PRODUCER_MAX_DELAY_MS, producer.maxDelayMs);
        put(s, HeraldSettings.TRACING_ENABLED, tracing.enabled);
        put(s, HeraldSettings.TRACING_QUEUE_CAPACITY, tracing.queueCapacity);
        put(s, HeraldSettings.TRACING_LINGER_MS, tracing.lingerMs);
        put(s, HeraldSettings.TRACING_COMPRESSION, tracing.compression);
        put(s, HeraldSettings.TRACING_TIMEPOINTS_PER_RECORD, tracing.timepointsPerRecord);
        put(s, HeraldSettings.TRACING_RECORD_MAX_BYTES, tracing.recordMaxBytes);
        put(s, HeraldSettings.REPLAY_ENABLED, replay.enabled);
        put(s, HeraldSettings.REPLAY_DISCOVERY_INTERVAL_MS, replay.discoveryIntervalMs);
        return s;
    }

    private static void put(Map<String, Object> settings, String key, Object value) {
        if (value != null) {
            settings.put(key, value);
        }
    }

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getApp() { return app; }
    public void setApp(String app) { this.app = app; }
    public Long getShutdownTimeoutMs() { return shutdownTimeoutMs; }
    public void setShutdownTimeoutMs(Long v) { this.shutdownTimeoutMs = v; }
    public ControlPlane getControlPlane() { return controlPlane; }
    public Heartbeat getHeartbeat() { return heartbeat; }
    public ConfigCache getConfigCache() { return configCache; }
    public Kafka getKafka() { return kafka; }
    public Producer getProducer() { return producer; }
    public Consumer getConsumer() { return consumer; }
    public Metrics getMetrics() { return metrics; }
    public Tracing getTracing() { return tracing; }
    public Replay getReplay() { return replay; }

    public static class ControlPlane {
        /** Base URL of the Herald control plane; unset = no config push. */
        private String url;
        /** The app's API key, sent as a bearer token. */
        private String apiKey;
        /** Read timeout of control-plane calls (ms); must exceed the long-poll hold. Default 40000. */
        private Long requestTimeoutMs;
        /** How long start-up waits for the first snapshot (ms) before running from the cached one. Default 5000. */
        private Long startupTimeoutMs;
        /** First wait before polling again after the control plane failed (ms). Default 1000. */
        private Long retryBackoffMs;
        /** Longest wait between polls while the control plane is unreachable (ms). Default 15000. */
        private Long retryBackoffMaxMs;
        /** Random pause of up to this long before each config long-poll, so a fleet's polls do not arrive in step (ms). Default 300. */
        private Long pollJitterMs;

        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public String getApiKey() { return apiKey; }
        public void setApiKey(String apiKey) { this.apiKey = apiKey; }
        public Long getRequestTimeoutMs() { return requestTimeoutMs; }
        public void setRequestTimeoutMs(Long v) { this.requestTimeoutMs = v; }
        public Long getStartupTimeoutMs() { return startupTimeoutMs; }
        public void setStartupTimeoutMs(Long v) { this.startupTimeoutMs = v; }
        public Long getRetryBackoffMs() { return retryBackoffMs; }
        public void setRetryBackoffMs(Long v) { this.retryBackoffMs = v; }
        public Long getRetryBackoffMaxMs() { return retryBackoffMaxMs; }
        public void setRetryBackoffMaxMs(Long v) { this.retryBackoffMaxMs = v; }
        public Long getPollJitterMs() { return pollJitterMs; }
        public void setPollJitterMs(Long v) { this.pollJitterMs = v; }
    }

    public static class Heartbeat {
        /** Interval of instance heartbeats to the control plane (ms). Default 10000. */
        private Long intervalMs;

        public Long getIntervalMs() { return intervalMs; }
        public void setIntervalMs(Long v) { this.intervalMs = v; }
    }

    public static class ConfigCache {
        /** Folder where the last config snapshot is kept; empty = no cache. Default ".herald". */
        private String dir;

        public String getDir() { return dir; }
        public void setDir(String dir) { this.dir = dir; }
    }

    public static class Kafka {
        /** Kafka bootstrap servers (host:port,...). */
        private String bootstrapServers;
        /** Kafka client properties passed through to Herald's producer and consumers (SASL, TLS, ...). */
        private Map<String, String> properties = new LinkedHashMap<>();

        public String getBootstrapServers() { return bootstrapServers; }
        public void setBootstrapServers(String v) { this.bootstrapServers = v; }
        public Map<String, String> getProperties() { return properties; }
        public void setProperties(Map<String, String> properties) { this.properties = properties; }
    }

    public static class Producer {
        /** Producer acks: all, -1, 1 or 0. Default all. */
        private String acks;
        /** Idempotent producer; needs acks=all. Default true. */
        private Boolean idempotence;
        /** Longest time a send may block its caller when Kafka is unreachable (ms). Default 10000. */
        private Long maxBlockMs;
        /** Upper bound for a record to be acknowledged, retries included (ms). Default 120000. */
        private Long deliveryTimeoutMs;
        /** Producer linger.ms. Default 5. */
        private Long lingerMs;
        /** Producer batch.size in bytes. Default 16384. */
        private Integer batchSize;
        /** Producer compression.type: none, gzip, snappy, lz4, zstd. Default none. */
        private String compression;
        /** Check topic, permission, type and JSON Schema against the catalog before sending. Default true. */
        private Boolean validate;
        /** Type used by send(topic, payload) when no catalog is known. Default "message". */
        private String defaultType;
        /** Write the CloudEvents dataschema attribute (ce_dataschema) naming the type's schema version. Default false. */
        private Boolean dataschema;
        /** Longest delay sendDelayed/sendAt accept (ms); later due times fail with DelayTooLongException. Default 30 days. */
        private Long maxDelayMs;

        public Long getMaxDelayMs() { return maxDelayMs; }
        public void setMaxDelayMs(Long v) { this.maxDelayMs = v; }

        public String getAcks() { return acks; }
        public void setAcks(String acks) { this.acks = acks; }
        public Boolean getIdempotence() { return idempotence; }
        public void setIdempotence(Boolean v) { this.idempotence = v; }
        public Long getMaxBlockMs() { return maxBlockMs; }
        public void setMaxBlockMs(Long v) { this.maxBlockMs = v; }
        public Long getDeliveryTimeoutMs() { return deliveryTimeoutMs; }
        public void setDeliveryTimeoutMs(Long v) { this.deliveryTimeoutMs = v; }
        public Long getLingerMs() { return lingerMs; }
        public void setLingerMs(Long v) { this.lingerMs = v; }
        public Integer getBatchSize() { return batchSize; }
        public void setBatchSize(Integer v) { this.batchSize = v; }
        public String getCompression() { return compression; }
        public void setCompression(String v) { this.compression = v; }
        public Boolean getValidate() { return validate; }
        public void setValidate(Boolean v) { this.validate = v; }
        public String getDefaultType() { return defaultType; }
        public void setDefaultType(String v) { this.defaultType = v; }
        public Boolean getDataschema() { return dataschema; }
        public void setDataschema(Boolean v) { this.dataschema = v; }
    }

    public static class Consumer {
        /** Longest wait of one consumer poll (ms). Default 500. */
        private Long pollTimeoutMs;
        /** Consumer max.poll.records. Default 500. */
        private Integer maxPollRecords;
        /** Where a new consumer group starts reading: earliest or latest. Default earliest. */
        private String autoOffsetReset;
        /** Default attempts before dead-lettering. Default 3. */
        private Integer deliveryLimit;
        /** Default wait before the first retry (ms). Default 1000. */
        private Long backoffMs;
        /** Default back-off growth factor. Default 2.0. */
        private Double backoffMultiplier;
        /** Default longest wait between retries (ms). Default 30000. */
        private Long backoffMaxMs;
        /** Default consumer threads per binding. Default 1. */
        private Integer concurrency;
        /** Message ids each binding with a dedupe window remembers in this instance. Default 100000. */
        private Integer dedupeMaxIds;

        public Long getPollTimeoutMs() { return pollTimeoutMs; }
        public void setPollTimeoutMs(Long v) { this.pollTimeoutMs = v; }
        public Integer getMaxPollRecords() { return maxPollRecords; }
        public void setMaxPollRecords(Integer v) { this.maxPollRecords = v; }
        public String getAutoOffsetReset() { return autoOffsetReset; }
        public void setAutoOffsetReset(String v) { this.autoOffsetReset = v; }
        public Integer getDeliveryLimit() { return deliveryLimit; }
        public void setDeliveryLimit(Integer v) { this.deliveryLimit = v; }
        public Long getBackoffMs() { return backoffMs; }
        public void setBackoffMs(Long v) { this.backoffMs = v; }
        public Double getBackoffMultiplier() { return backoffMultiplier; }
        public void setBackoffMultiplier(Double v) { this.backoffMultiplier = v; }
        public Long getBackoffMaxMs() { return backoffMaxMs; }
        public void setBackoffMaxMs(Long v) { this.backoffMaxMs = v; }
        public Integer getConcurrency() { return concurrency; }
        public void setConcurrency(Integer v) { this.concurrency = v; }
        public Integer getDedupeMaxIds() { return dedupeMaxIds; }
        public void setDedupeMaxIds(Integer v) { this.dedupeMaxIds = v; }
    }

    public static class Metrics {
        /** Record Micrometer meters (needs a MeterRegistry bean). Default true. */
        private Boolean enabled;

        public Boolean getEnabled() { return enabled; }
        public void setEnabled(Boolean v) { this.enabled = v; }
    }

    public static class Tracing {
        /** Record timepoints to herald.trace, sampled by the pushed config. Default true. */
        private Boolean enabled;
        /** Timepoints buffered for the trace shipper; when full, new ones are dropped and counted. Default 65536. */
        private Integer queueCapacity;
        /** How long a timepoint waits for others to share its herald.trace record; also the trace producer's linger.ms. Default 100. */
        private Long lingerMs;
        /** compression.type of the trace producer: none, gzip, snappy, lz4, zstd. Default none (timepoints are already compact). */
        private String compression;
        /** Most timepoints in one herald.trace record. Default 256. */
        private Integer timepointsPerRecord;
        /** A herald.trace record is written once its JSON reaches this size. Default 65536. */
        private Integer recordMaxBytes;

        public Integer getTimepointsPerRecord() { return timepointsPerRecord; }
        public void setTimepointsPerRecord(Integer v) { this.timepointsPerRecord = v; }
        public Integer getRecordMaxBytes() { return recordMaxBytes; }
        public void setRecordMaxBytes(Integer v) { this.recordMaxBytes = v; }

        public String getCompression() { return compression; }
        public void setCompression(String v) { this.compression = v; }

        public Boolean getEnabled() { return enabled; }
        public void setEnabled(Boolean v) { this.enabled = v; }
        public Integer getQueueCapacity() { return queueCapacity; }
        public void setQueueCapacity(Integer v) { this.queueCapacity = v; }
        public Long getLingerMs() { return lingerMs; }
        public void setLingerMs(Long v) { this.lingerMs = v; }
    }

    public static class Replay {
        /** Also consume herald.replay.GROUP for every consumer group with a listener. Default true. */
        private Boolean enabled;
        /** How often a replay consumer looks for its replay topic when it does not exist yet (ms). Default 30000. */
        private Long discoveryIntervalMs;

        public Boolean getEnabled() { return enabled; }
        public void setEnabled(Boolean v) { this.enabled = v; }
        public Long getDiscoveryIntervalMs() { return discoveryIntervalMs; }
        public void setDiscoveryIntervalMs(Long v) { this.discoveryIntervalMs = v; }
    }
}
