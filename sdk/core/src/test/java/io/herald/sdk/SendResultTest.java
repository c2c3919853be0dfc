package io.herald.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.sdk.internal.codec.PayloadCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SendResultTest {

    private static final Instant AT = Instant.ofEpochMilli(1_767_225_600_123L);

    @Test
    void theSendersResultEqualsTheOneMadeFromItsParts() {
        SendResult acked = SendResult.acknowledged("0195f3c2-7b1e-7000-8000-000000000001".getBytes(StandardCharsets.UTF_8),
                "trade", 3, 42, AT.toEpochMilli());
        SendResult made = new SendResult("0195f3c2-7b1e-7000-8000-000000000001", "trade", 3, 42, AT);

        assertThat(acked.messageId()).isEqualTo("0195f3c2-7b1e-7000-8000-000000000001");
        assertThat(acked.timestamp()).isEqualTo(AT);
        assertThat(acked).isEqualTo(made).hasSameHashCodeAs(made);
        assertThat(acked).isNotEqualTo(new SendResult("0195f3c2-7b1e-7000-8000-000000000001", "trade", 3, 43, AT));
        assertThat(acked.toString()).isEqualTo(made.toString()).isEqualTo(
                "SendResult[messageId=0195f3c2-7b1e-7000-8000-000000000001, topic=trade, partition=3, offset=42, timestamp="
                + AT + "]");
    }

    @Test
    void aChosenIdInAnyScriptAndAnInstantFinerThanMillisecondsComeBackAsGiven() {
        Instant fine = Instant.parse("2026-01-01T00:00:00.123456789Z");
        assertThat(new SendResult("id", "t", 0, 0, fine).timestamp()).isEqualTo(fine);
        assertThat(SendResult.acknowledged("zahlung-ü-1".getBytes(StandardCharsets.UTF_8), "t", 0, 0, 0).messageId())
                .isEqualTo("zahlung-ü-1");
    }

    @Test
    void writesAndReadsJsonAsTheRecordDid() throws Exception {
        var mapper = PayloadCodec.defaultMapper();
        SendResult acked = SendResult.acknowledged("id-1".getBytes(StandardCharsets.UTF_8), "trade", 1, 7, AT.toEpochMilli());

        String json = mapper.writeValueAsString(acked);

        assertThat(mapper.readTree(json).properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactlyInAnyOrder("messageId", "topic", "partition", "offset", "timestamp");
        assertThat(mapper.readValue(json, SendResult.class)).isEqualTo(acked);
    }
}
