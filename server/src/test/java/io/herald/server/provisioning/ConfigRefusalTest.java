package io.herald.server.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.common.ValidationException;
import java.util.List;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

/** Kafka's refusal of a config change names the setting at fault, as the API and the console show it. */
class ConfigRefusalTest {

    @Test
    void namesTheConfigKafkasMessageNames() {
        ValidationException e = AdminClientProvisioner.configRefused(new InvalidConfigurationException(
                "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"),
                List.of("compression.type", "min.insync.replicas"));
        assertThat(e.field()).isEqualTo("min.insync.replicas");
        assertThat(e.getMessage()).contains("Kafka refused: Invalid value 0 for configuration min.insync.replicas");
    }

    @Test
    void prefersTheLongestNameAndFallsBackToTheFirstConfigOfTheRequest() {
        assertThat(AdminClientProvisioner.configAtFault("retention.ms.x is bad", List.of("retention.ms", "retention.ms.x")))
                .isEqualTo("retention.ms.x");
        assertThat(AdminClientProvisioner.configAtFault("refused by policy", List.of("cleanup.policy", "retention.ms")))
                .isEqualTo("cleanup.policy");
        assertThat(AdminClientProvisioner.configAtFault(null, List.of())).isEqualTo("settings");
    }

    @Test
    void aFailureThatIsNoAnswerOfKafkasIsNotAValidationError() {
        assertThatThrownBy(() -> AdminClientProvisioner.configRefused(new IllegalStateException("boom"), List.of("x")))
                .isInstanceOf(KafkaUnavailableException.class);
    }
}
