package io.herald.sdk.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/** Builds an {@link Outbox}. */
public final class OutboxBuilder {

    DataSource dataSource;
    String app;
    String bootstrap;
    final Map<String, Object> kafkaProperties = new LinkedHashMap<>();
    ObjectMapper objectMapper;
    int batchSize = 2000;
    Duration pollInterval = Duration.ofMillis(200);
    Duration lookBack = Duration.ofSeconds(1);

    OutboxBuilder() {
    }

    /** The data source whose transactions the outbox joins (required). */
    public OutboxBuilder withDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
        return this;
    }

    /** The app's name in the catalog: the messages' {@code ce_source} (required). */
    public OutboxBuilder withAppName(String app) {
        this.app = app;
        return this;
    }

    /** Kafka bootstrap servers of the relay's producer (required). */
    public OutboxBuilder withKafkaBootstrap(String bootstrap) {
        this.bootstrap = bootstrap;
        return this;
    }

    /** A Kafka producer property (security, TLS, SASL, ...). acks=all and idempotence are fixed. */
    public OutboxBuilder withKafkaProperty(String name, Object value) {
        kafkaProperties.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
        return this;
    }

    /** The Jackson mapper for JSON payloads. */
    public OutboxBuilder withObjectMapper(ObjectMapper mapper) {
        this.objectMapper = mapper;
        return this;
    }

    /** Rows one relay transaction publishes (default 2000). */
    public OutboxBuilder withBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1");
        }
        this.batchSize = batchSize;
        return this;
    }

    /** Longest wait of the relay between two looks at the table when nothing woke it (default 200 ms). */
    public OutboxBuilder withPollInterval(Duration interval) {
        this.pollInterval = Objects.requireNonNull(interval);
        return this;
    }

    /** How often a busy relay looks for rows that committed below its read position (tests shorten it). */
    OutboxBuilder lookBack(Duration interval) {
        this.lookBack = Objects.requireNonNull(interval);
        return this;
    }

    public Outbox build() {
        if (dataSource == null || app == null || bootstrap == null) {
            throw new IllegalArgumentException("an outbox needs withDataSource, withAppName and withKafkaBootstrap");
        }
        return new Outbox(this);
    }
}
