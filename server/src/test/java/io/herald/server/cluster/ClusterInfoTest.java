package io.herald.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.admin.ConfigEntry;
import org.junit.jupiter.api.Test;

class ClusterInfoTest {

    @Test
    void masksSensitiveValuesAndNamesThatLookLikeSecrets() {
        ConfigEntry flagged = new ConfigEntry("listener.name.x.ssl.keystore.location", "/etc/k", ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG,
                true, false, java.util.List.of(), ConfigEntry.ConfigType.STRING, null);
        assertThat(ClusterInfo.value(flagged).value()).isEqualTo("******");
        assertThat(ClusterInfo.value(flagged).sensitive()).isTrue();
        ConfigEntry named = new ConfigEntry("sasl.jaas.config", "org.apache...PlainLoginModule password=\"p\"");
        assertThat(ClusterInfo.value(named).value()).isEqualTo("******");
        ConfigEntry hiddenByKafka = new ConfigEntry("ssl.truststore.password", null, ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG,
                true, false, java.util.List.of(), ConfigEntry.ConfigType.PASSWORD, null);
        assertThat(ClusterInfo.value(hiddenByKafka).value()).isEqualTo("******");
        ConfigEntry plain = new ConfigEntry("num.partitions", "1");
        assertThat(ClusterInfo.value(plain).value()).isEqualTo("1");
        assertThat(ClusterInfo.value(plain).sensitive()).isFalse();
    }

    @Test
    void namesMetadataVersionsAndTheirRelease() {
        assertThat(ClusterInfo.MetadataVersions.name((short) 7)).isEqualTo("3.3-IV3");
        assertThat(ClusterInfo.MetadataVersions.name((short) 29)).isEqualTo("4.2-IV1");
        assertThat(ClusterInfo.MetadataVersions.release("4.2-IV1")).isEqualTo("4.2");
        assertThat(ClusterInfo.MetadataVersions.name((short) 99)).isEqualTo("level 99");
        assertThat(ClusterInfo.MetadataVersions.release("level 99")).isEqualTo("newer than 4.3");
    }
}
