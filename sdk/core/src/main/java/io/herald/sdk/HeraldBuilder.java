package io.herald.sdk;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.sdk.spi.Transport;
import io.herald.sdk.wire.ConfigSnapshot;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a {@link Herald}. Everything can also be given as a setting ({@link HeraldSettings});
 * {@link #build()} validates all settings together and fails with a {@link HeraldConfigException}
 * that names every setting at fault.
 *
 * <pre>{@code
 * Herald herald = Herald.builder()
 *         .withAppName("billing")
 *         .withControlPlane("https://herald.example.com", apiKey)
 *         .withKafkaBootstrap("kafka-1:9092,kafka-2:9092")
 *         .withKafkaProperty("security.protocol", "SASL_SSL")
 *         .withMeterRegistry(meterRegistry)
 *         .build();
 * }</pre>
 */
public final class HeraldBuilder {

    final Map<String, Object> settings = new LinkedHashMap<>();
    final Map<String, String> kafkaProperties = new LinkedHashMap<>();
    MeterRegistry meterRegistry;
    ObjectMapper objectMapper;
    Transport transport;
    ConfigSnapshot staticSnapshot;
    java.util.function.Supplier<String> traceparentSupplier;
    TransactionChecker transactionChecker;

    HeraldBuilder() {
    }

    /** The app's name in the catalog ({@code herald.app}); required. */
    public HeraldBuilder withAppName(String app) {
        return withSetting(HeraldSettings.APP, app);
    }

    /** The control plane's base URL ({@code herald.control-plane.url}). */
    public HeraldBuilder withControlPlaneUrl(String url) {
        return withSetting(HeraldSettings.CONTROL_PLANE_URL, url);
    }

    /** The app's API key ({@code herald.control-plane.api-key}). */
    public HeraldBuilder withApiKey(String apiKey) {
        return withSetting(HeraldSettings.CONTROL_PLANE_API_KEY, apiKey);
    }

    /** Control plane URL and API key in one call. */
    public HeraldBuilder withControlPlane(String url, String apiKey) {
        return withControlPlaneUrl(url).withApiKey(apiKey);
    }

    /** Kafka bootstrap servers ({@code herald.kafka.bootstrap-servers}). */
    public HeraldBuilder withKafkaBootstrap(String bootstrapServers) {
        return withSetting(HeraldSettings.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
    }

    /**
     * A Kafka client property passed through to Herald's producer and consumers (security, TLS,
     * SASL, client rack, ...). A property that only producers or only consumers know goes only to
     * them. One that contradicts a Herald setting fails at {@link #build()}.
     */
    public HeraldBuilder withKafkaProperty(String name, String value) {
        kafkaProperties.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
        return this;
    }

    /** Several Kafka client properties; see {@link #withKafkaProperty(String, String)}. */
    public HeraldBuilder withKafkaProperties(Map<String, String> properties) {
        properties.forEach(this::withKafkaProperty);
        return this;
    }

    /** Any SDK setting by key ({@link HeraldSettings}); the value may be a string or a typed value. */
    public HeraldBuilder withSetting(String key, Object value) {
        if (value == null) {
            settings.remove(key);
        } else {
            settings.put(key, value);
        }
        return this;
    }

    /** Several settings; see {@link #withSetting(String, Object)}. */
    public HeraldBuilder withSettings(Map<String, ?> values) {
        values.forEach(this::withSetting);
        return this;
    }

    /** Where Herald's meters go; without one Herald records none. */
    public HeraldBuilder withMeterRegistry(MeterRegistry registry) {
        this.meterRegistry = registry;
        return this;
    }

    /** The Jackson mapper for JSON payloads; by default one with Java time support that ignores unknown properties. */
    public HeraldBuilder withObjectMapper(ObjectMapper mapper) {
        this.objectMapper = mapper;
        return this;
    }

    /** Another transport than Kafka (e.g. {@code InMemoryTransport} from herald-sdk-test). */
    public HeraldBuilder withTransport(Transport transport) {
        this.transport = transport;
        return this;
    }

    /**
     * A fixed catalog instead of (or before) the control plane's: for tests, benchmarks and apps
     * run without a control plane. Pushed snapshots replace it.
     */
    public HeraldBuilder withConfigSnapshot(ConfigSnapshot snapshot) {
        this.staticSnapshot = snapshot;
        return this;
    }

    /**
     * The checker that answers the server's check-back for this app's two-phase messages (see
     * {@link Herald#sendTransactional(String, String, String, Object, LocalTransaction)}). With one,
     * {@link Herald#start()} also consumes {@code herald.tx.check.<app>}.
     */
    public HeraldBuilder withTransactionChecker(TransactionChecker checker) {
        this.transactionChecker = checker;
        return this;
    }

    /**
     * Where the current trace context comes from when a message is sent outside a
     * {@link TraceContext#with scope}, for example the current OpenTelemetry span's W3C
     * traceparent. It may return {@code null}; invalid values are ignored (Herald then creates a
     * traceparent). Called on every send: keep it cheap.
     */
    public HeraldBuilder withTraceparentSupplier(java.util.function.Supplier<String> supplier) {
        this.traceparentSupplier = supplier;
        return this;
    }

    /**
     * Validates the settings and creates the client (and Kafka producer); nothing consumes until
     * {@link Herald#start()}.
     *
     * @throws HeraldConfigException naming the settings at fault
     */
    public Herald build() {
        return new Herald(this);
    }
}
