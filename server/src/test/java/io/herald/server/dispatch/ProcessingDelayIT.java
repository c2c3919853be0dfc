package io.herald.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.ingest.Http;
import io.herald.server.support.ServerTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Delayed processing (a processor's processing delay) and a new processor's start position. */
class ProcessingDelayIT extends ServerTest {

    private final Endpoint prompt = new Endpoint(2);
    private final Endpoint delayed = new Endpoint(2);
    private final List<Long> processors = new ArrayList<>();
    private String app;
    private String key;
    private String topic;

    @AfterEach
    void close() {
        processors.forEach(id -> admin.delete("/processors/" + id));
        prompt.close();
        delayed.close();
    }

    private void topic() {
        app = unique("delay");
        key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        topic = unique("delayt");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "a")))).status()).isEqualTo(201);
    }

    private long processor(String group, Endpoint endpoint, Map<String, Object> settings) {
        long binding = admin.post("/bindings", Map.of("app", app, "group", group, "topic", topic, "kind", "FANOUT")).json().get("id").asLong();
        Map<String, Object> body = new HashMap<>(settings);
        body.put("bindingId", binding);
        body.put("address", endpoint.url());
        var created = admin.post("/processors", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        processors.add(created.json().get("id").asLong());
        return created.json().get("id").asLong();
    }

    private void send(String id, String key) {
        Map<String, String> h = new HashMap<>(Map.of("ce-specversion", "1.0", "ce-id", id, "ce-source", "/t", "ce-type", "a",
                "ce-partitionkey", key, "Content-Type", "application/json"));
        Http.Answer a = Http.post(baseUrl() + "/api/v1/topics/" + topic + "/events", this.key, h, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
    }

    @Test
    void delayedProcessorGetsEachEventThatLongAfterItWasWrittenWhileAnotherGetsItAtOnceInOrder() {
        topic();
        processor(unique("now"), prompt, Map.of());
        var delayedView = admin.get("/processors/" + processor(unique("later"), delayed, Map.of("processingDelayMillis", 2000))).json();
        assertThat(delayedView.get("processingDelayMillis").asLong()).isEqualTo(2000);

        long sentAt = System.nanoTime();
        send("d-1", "k");
        send("d-2", "k");

        await().atMost(Duration.ofSeconds(60)).until(() -> prompt.received().size() >= 2 && delayed.received().size() >= 2);
        long promptMs = (prompt.received().get(0).atNanos() - sentAt) / 1_000_000;
        long delayedMs = (delayed.received().get(0).atNanos() - sentAt) / 1_000_000;
        assertThat(delayedMs).as("delayed processor, ms after the write").isGreaterThanOrEqualTo(2000);
        assertThat(promptMs).as("other group, ms after the write").isLessThan(delayedMs);
        assertThat(delayed.received()).extracting(r -> r.header("ce-id")).containsExactly("d-1", "d-2");
    }

    @Test
    void newProcessorStartingAtLatestSkipsWhatWasWrittenBefore() {
        topic();
        send("old-1", "k");
        processor(unique("latest"), prompt, Map.of("startPosition", "latest"));
        // the group joins asynchronously: keep writing fresh events until one arrives
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            send(unique("new"), "k");
            return !prompt.received().isEmpty();
        });
        assertThat(prompt.received()).extracting(r -> r.header("ce-id")).doesNotContain("old-1");
        var refused = admin.post("/processors", Map.of("bindingId", 1, "address", "http://127.0.0.1:1/x", "startPosition", "yesterday"));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.toString()).contains("startPosition");
    }
}
