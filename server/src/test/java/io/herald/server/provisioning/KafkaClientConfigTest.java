package io.herald.server.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientConfigTest {

    @Test
    void passesSaslAndTlsPropertiesStraightThroughFromFileAndMap(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="herald" password="s3cret";
                ssl.truststore.location=/etc/kafka/truststore.jks
                """);
        KafkaClientConfig config = new KafkaClientConfig(new HeraldKafkaProperties("broker-1:9093,broker-2:9093", file,
                Map.of("sasl.mechanism", "SCRAM-SHA-256", "client.dns.lookup", "use_all_dns_ips"), Duration.ofSeconds(5)));

        Map<String, Object> base = config.base();
        assertThat(base).containsEntry("bootstrap.servers", "broker-1:9093,broker-2:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.jks")
                .containsEntry("client.dns.lookup", "use_all_dns_ips")
                // explicit properties win over the file
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256");
        assertThat((String) base.get("sasl.jaas.config")).contains("ScramLoginModule");
    }

    @Test
    void missingPropertiesFileFailsAtStartNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> new KafkaClientConfig(new HeraldKafkaProperties("b:9092", missing, Map.of(), Duration.ofSeconds(5))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("nope.properties");
    }

    @Test
    void blankBootstrapIsRefused() {
        assertThatThrownBy(() -> new HeraldKafkaProperties(" ", null, Map.of(), Duration.ofSeconds(5)))
                .hasMessageContaining("HERALD_KAFKA_BOOTSTRAP");
    }
}
