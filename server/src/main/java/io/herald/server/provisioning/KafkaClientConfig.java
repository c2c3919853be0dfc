package io.herald.server.provisioning;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.springframework.stereotype.Component;

/**
 * The base configuration of every Kafka client the server creates: bootstrap servers plus the
 * operator's pass-through properties (file first, then {@code herald.kafka.properties.*}).
 */
@Component
public class KafkaClientConfig {

    private final Map<String, Object> base;
    private final HeraldKafkaProperties props;

    KafkaClientConfig(HeraldKafkaProperties props) {
        this.props = props;
        Map<String, Object> config = new HashMap<>();
        if (props.propertiesFile() != null && !props.propertiesFile().toString().isBlank()) {
            Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(props.propertiesFile())) {
                file.load(reader);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read herald.kafka.properties-file " + props.propertiesFile() + ": " + e.getMessage(), e);
            }
            file.forEach((k, v) -> config.put(k.toString(), v));
        }
        config.putAll(props.properties());
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, props.bootstrap());
        this.base = Map.copyOf(config);
    }

    /** A fresh, mutable copy of the base config. */
    public Map<String, Object> base() {
        return new HashMap<>(base);
    }

    public String bootstrap() {
        return props.bootstrap();
    }

    public HeraldKafkaProperties properties() {
        return props;
    }
}
