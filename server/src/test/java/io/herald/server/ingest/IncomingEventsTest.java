package io.herald.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.herald.server.common.HeraldException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IncomingEventsTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void binaryModeIsReadFromCeHeadersWhateverTheirCase() {
        CloudEvent e = IncomingEvents.single(Map.of("CE-SpecVersion", "1.0", "ce-id", "1", "Ce-Source", "/s", "ce-type", "t",
                "ce-partitionkey", "k", "Content-Type", "application/json"), bytes("{}"), null, null);
        assertThat(e.getId()).isEqualTo("1");
        assertThat(e.getType()).isEqualTo("t");
        assertThat(e.getExtension("partitionkey")).isEqualTo("k");
        assertThat(e.getDataContentType()).isEqualTo("application/json");
        assertThat(e.getData().toBytes()).isEqualTo(bytes("{}"));
    }

    @Test
    void structuredModeIsReadWithTheJsonFormat() {
        CloudEvent e = IncomingEvents.single(Map.of("Content-Type", "application/cloudevents+json; charset=utf-8"),
                bytes("{\"specversion\":\"1.0\",\"id\":\"2\",\"source\":\"/s\",\"type\":\"t\",\"data\":{\"a\":1}}"), null, null);
        assertThat(e.getId()).isEqualTo("2");
        assertThat(new String(e.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    }

    @Test
    void batchItemsFailOneByOneNamingTheAttribute() {
        List<IncomingEvents.Item> items = IncomingEvents.batch(bytes("[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"},"
                + "{\"specversion\":\"1.0\",\"source\":\"/s\",\"type\":\"t\"}, 5]"), 10);
        assertThat(items.get(0).event().getId()).isEqualTo("1");
        assertThat(items.get(1).error().field()).as(items.get(1).error().getMessage()).isEqualTo("id");
        assertThat(items.get(2).error().field()).isEqualTo("body");
    }

    @Test
    void missingAttributesAreNamedInBinaryMode() {
        assertThatThrownBy(() -> IncomingEvents.single(Map.of("ce-specversion", "1.0", "ce-id", "1", "ce-source", "/s"), bytes(""), null, null))
                .isInstanceOfSatisfying(HeraldException.class, e -> assertThat(e.field()).as(e.getMessage()).isEqualTo("ce-type"));
        assertThatThrownBy(() -> IncomingEvents.single(Map.of("ce-specversion", "0.1", "ce-id", "1", "ce-source", "/s", "ce-type", "t"),
                bytes(""), null, null))
                .isInstanceOfSatisfying(HeraldException.class, e -> assertThat(e.field()).isEqualTo("ce-specversion"));
    }

    @Test
    void batchLargerThanTheLimitIsRefused() {
        assertThatThrownBy(() -> IncomingEvents.batch(bytes("[{},{},{}]"), 2))
                .isInstanceOfSatisfying(HeraldException.class, e -> assertThat(e.status().value()).isEqualTo(413));
    }
}
