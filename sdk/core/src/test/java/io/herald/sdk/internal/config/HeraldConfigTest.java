package io.herald.sdk.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.sdk.HeraldConfigException;
import io.herald.sdk.HeraldSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeraldConfigTest {

    private static final Map<String, Object> MINIMAL = Map.of(HeraldSettings.APP, "billing");

    @Test
    void fillsInDefaultsFromTheTable() {
        HeraldConfig config = HeraldConfig.of(MINIMAL, Map.of());

        assertThat(config.getString(HeraldSettings.PRODUCER_ACKS)).isEqualTo("all");
        assertThat(config.getBoolean(HeraldSettings.PRODUCER_IDEMPOTENCE)).isTrue();
        assertThat(config.getLong(HeraldSettings.PRODUCER_MAX_BLOCK_MS)).isEqualTo(10_000L);
        assertThat(config.getLong(HeraldSettings.HEARTBEAT_INTERVAL_MS)).isEqualTo(10_000L);
    }

    @Test
    void convertsStringValuesToTheSettingsType() {
        HeraldConfig config = HeraldConfig.of(Map.of(HeraldSettings.APP, "billing",
                HeraldSettings.CONSUMER_DELIVERY_LIMIT, "7", HeraldSettings.CONSUMER_BACKOFF_MULTIPLIER, "1.5"), Map.of());

        assertThat(config.getInt(HeraldSettings.CONSUMER_DELIVERY_LIMIT)).isEqualTo(7);
        assertThat(config.getDouble(HeraldSettings.CONSUMER_BACKOFF_MULTIPLIER)).isEqualTo(1.5);
    }

    @Test
    void reportsEveryMissingOrInvalidOrUnknownSettingAtOnce() {
        assertThatThrownBy(() -> HeraldConfig.of(Map.of(HeraldSettings.CONSUMER_DELIVERY_LIMIT, "0",
                HeraldSettings.PRODUCER_ACKS, "most", "herald.consumer.delivery-limt", "3"), Map.of()))
                .isInstanceOf(HeraldConfigException.class)
                .hasMessageContaining("missing required setting 'herald.app'")
                .hasMessageContaining("'herald.consumer.delivery-limit' must be at least 1")
                .hasMessageContaining("'herald.producer.acks' must be one of")
                .hasMessageContaining("unknown setting 'herald.consumer.delivery-limt'");
    }

    @Test
    void rejectsIdempotenceWithAcksOneNamingBothSettings() {
        assertThatThrownBy(() -> HeraldConfig.of(Map.of(HeraldSettings.APP, "billing", HeraldSettings.PRODUCER_ACKS, "1"), Map.of()))
                .isInstanceOf(HeraldConfigException.class)
                .hasMessageContaining("herald.producer.idempotence=true conflicts with herald.producer.acks=1");
    }

    @Test
    void rejectsAKafkaPropertyThatContradictsAHeraldSettingNamingBoth() {
        assertThatThrownBy(() -> HeraldConfig.of(Map.of(HeraldSettings.APP, "billing", HeraldSettings.PRODUCER_MAX_BLOCK_MS, 5000),
                Map.of("max.block.ms", "60000")))
                .isInstanceOf(HeraldConfigException.class)
                .hasMessageContaining("herald.producer.max-block-ms=5000 conflicts with Kafka property max.block.ms=60000");
    }

    @Test
    void acceptsAKafkaPropertyThatOnlyRestatesAHeraldSetting() {
        HeraldConfig config = HeraldConfig.of(Map.of(HeraldSettings.APP, "billing", HeraldSettings.PRODUCER_ACKS, "all"),
                Map.of("acks", "-1", "linger.ms", "20", "security.protocol", "SASL_SSL"));

        assertThat(config.getLong(HeraldSettings.PRODUCER_LINGER_MS)).isEqualTo(20L);
        assertThat(config.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void rejectsAutoCommitBecauseItBreaksAtLeastOnceDelivery() {
        assertThatThrownBy(() -> HeraldConfig.of(MINIMAL, Map.of("enable.auto.commit", "true")))
                .isInstanceOf(HeraldConfigException.class).hasMessageContaining("enable.auto.commit=true conflicts");
    }

    @Test
    void rejectsAFirstBackoffLongerThanTheLongestNamingBoth() {
        assertThatThrownBy(() -> HeraldConfig.of(Map.of(HeraldSettings.APP, "billing", HeraldSettings.CONSUMER_BACKOFF_MS, 5000,
                HeraldSettings.CONSUMER_BACKOFF_MAX_MS, 1000), Map.of()))
                .isInstanceOf(HeraldConfigException.class)
                .hasMessageContaining("herald.consumer.backoff-ms=5000 conflicts with herald.consumer.backoff-max-ms=1000");
    }

    @Test
    void hidesTheApiKeyInErrors() {
        assertThat(HeraldConfig.TABLE.settings()).anyMatch(s -> s.key().equals(HeraldSettings.CONTROL_PLANE_API_KEY)
                                                               && s.type() == SettingsTable.Type.PASSWORD);
    }

    @Test
    void readmeSettingsTableIsTheGeneratedOne() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String begin = "<!-- settings:begin -->\n";
        String end = "<!-- settings:end -->";
        String section = readme.substring(readme.indexOf(begin) + begin.length(), readme.indexOf(end));

        assertThat(section).as("sdk/README.md settings table; regenerate it from HeraldSettings.markdownTable()")
                .isEqualTo(HeraldSettings.markdownTable());
    }
}
