package io.herald.sdk.internal.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.sdk.Herald;
import io.herald.sdk.HeraldConfigException;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.spi.OutgoingRecord;
import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.MessageTypeConfig;
import io.herald.sdk.wire.TopicConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** herald.producer.dataschema: each record names the schema version it was written with. */
class DataschemaTest {

    private static final ConfigSnapshot SNAPSHOT = new ConfigSnapshot("billing", 3, List.of(new TopicConfig("trade", 2, true,
            List.of(new MessageTypeConfig("pay:succ", "{\"type\":\"object\"}", 4), new MessageTypeConfig("pay-fail", null, 0)))),
            List.of(), null);

    private final DelayedSendTest.CapturingTransport transport = new DelayedSendTest.CapturingTransport();

    private Herald herald(boolean dataschema) {
        return Herald.builder().withAppName("billing").withTransport(transport).withConfigSnapshot(SNAPSHOT)
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, "")
                .withSetting(HeraldSettings.CONTROL_PLANE_URL, "http://127.0.0.1:9/")
                .withSetting(HeraldSettings.PRODUCER_DATASCHEMA, dataschema)
                .build();
    }

    private static String dataschema(OutgoingRecord r) {
        Header h = r.headers().stream().filter(x -> x.key().equals(HeraldHeaders.CE_DATASCHEMA)).findFirst().orElse(null);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void namesTheCurrentSchemaVersionOnRecordsOfTypesWithASchema() {
        try (Herald herald = herald(true)) {
            herald.sender().send("trade", "pay:succ", "o-1", "{}");
            herald.sender().send("trade", "pay-fail", "o-1", "{}");
        }

        assertThat(dataschema(transport.records.get(0)))
                .isEqualTo("http://127.0.0.1:9/api/v1/topics/trade/types/pay%3Asucc/schemas/4");
        assertThat(dataschema(transport.records.get(1))).as("a type without a schema").isNull();
    }

    @Test
    void writesNoDataschemaUnlessAsked() {
        try (Herald herald = herald(false)) {
            herald.sender().send("trade", "pay:succ", "o-1", "{}");
        }

        assertThat(dataschema(transport.records.get(0))).isNull();
    }

    @Test
    void refusesDataschemaWithoutAControlPlane() {
        assertThatThrownBy(() -> Herald.builder().withAppName("billing").withTransport(transport)
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, "")
                .withSetting(HeraldSettings.PRODUCER_DATASCHEMA, true).build())
                .isInstanceOf(HeraldConfigException.class)
                .hasMessageContaining(HeraldSettings.PRODUCER_DATASCHEMA).hasMessageContaining(HeraldSettings.CONTROL_PLANE_URL);
    }
}
