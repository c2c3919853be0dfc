package io.herald.server.provisioning;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How Herald's server reaches Kafka ({@code herald.kafka.*}).
 *
 * @param bootstrap        bootstrap servers ({@code HERALD_KAFKA_BOOTSTRAP})
 * @param propertiesFile   a Kafka client properties file passed straight through (SASL, TLS, …)
 *                         ({@code HERALD_KAFKA_PROPERTIES_FILE})
 * @param properties       more client properties passed straight through
 * @param operationTimeout how long an admin operation may take before the API answers 503
 */
@ConfigurationProperties("herald.kafka")
public record HeraldKafkaProperties(@DefaultValue("127.0.0.1:9092") String bootstrap, Path propertiesFile,
                                    Map<String, String> properties,
                                    @DefaultValue("10s") Duration operationTimeout) {

    public HeraldKafkaProperties {
        properties = properties == null ? Map.of() : Map.copyOf(properties);
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("herald.kafka.bootstrap (HERALD_KAFKA_BOOTSTRAP) must name at least one broker");
        }
        if (operationTimeout.isNegative() || operationTimeout.isZero()) {
            throw new IllegalArgumentException("herald.kafka.operation-timeout must be positive");
        }
    }
}
