package io.herald.server.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.dispatch.Endpoint;
import io.herald.server.ingest.Http;
import io.herald.server.ingest.KafkaProbe;
import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two-phase messages from a producer without the SDK, over HTTP: prepare, commit / roll back by id, check-back. */
class WithoutSdkIT extends ServerTest {

    private record App(String name, String key, String topic) {
    }

    private App app(String checkProtocol, String checkAddress, long interval, int maxChecks) {
        String name = unique("nosdk");
        String key = admin.post("/apps", Map.of("name", name)).json().get("apiKey").asString();
        String topic = unique("nosdkt");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", name, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "paid")))).status()).isEqualTo(201);
        Map<String, Object> settings = new HashMap<>(Map.of("checkProtocol", checkProtocol, "checkIntervalMs", interval, "maxChecks", maxChecks));
        if (checkAddress != null) {
            settings.put("checkAddress", checkAddress);
        }
        Api.Response s = admin.send("PUT", "/producer-settings/" + name, settings);
        assertThat(s.status()).as(s.toString()).isEqualTo(200);
        return new App(name, key, topic);
    }

    private Http.Answer prepare(App app, String id) {
        Map<String, String> h = new HashMap<>(Map.of("ce-specversion", "1.0", "ce-id", id, "ce-source", "/shop", "ce-type", "paid",
                "Content-Type", "application/json", "Herald-Transaction", "prepare"));
        return Http.post(baseUrl() + "/api/v1/topics/" + app.topic() + "/events", app.key(), h,
                ("{\"order\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private String state(String id) {
        return admin.get("/transactions/" + id).json().get("state").asString();
    }

    @Test
    void preparedEventIsDeliveredOnlyAfterCommitAndNeverAfterRollback() {
        App app = app("KAFKA", null, 60_000, 5);

        Http.Answer prepared = prepare(app, "tx-commit");
        Http.Answer other = prepare(app, "tx-rollback");

        assertThat(prepared.status()).as(prepared.toString()).isEqualTo(201);
        assertThat(prepared.json().get("transaction").asString()).isEqualTo("PENDING");
        assertThat(other.status()).isEqualTo(201);
        assertThat(state("tx-commit")).isEqualTo("PENDING");
        assertThat(prepare(app, "tx-commit").status()).as("same id again").isEqualTo(409);

        // the producer rolls one back and commits the other with its own key
        assertThat(admin.as(app.key()).post("/transactions/tx-rollback/rollback", Map.of()).status()).isEqualTo(200);
        assertThat(admin.as(app.key()).post("/transactions/tx-commit/commit", Map.of()).status()).isEqualTo(200);

        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), app.topic())) {
            var records = await().atMost(Duration.ofSeconds(60)).until(probe::poll, l -> !l.isEmpty());
            assertThat(records).extracting(r -> KafkaProbe.header(r, "ce_id")).containsExactly("tx-commit");
            assertThat(KafkaProbe.header(records.get(0), "ce_source")).isEqualTo(app.name());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> state("tx-commit").equals("PUBLISHED"));
        assertThat(state("tx-rollback")).isEqualTo("ROLLED_BACK");
    }

    @Test
    void unansweredPrepareIsCheckedBackOverHttpAndCommittedByTheAnswer() {
        try (Endpoint checker = new Endpoint(2)) {
            checker.script((n, r) -> new Endpoint.Answer(200, Map.of("Content-Type", "application/json"), 0));
            // the endpoint answers 200 with an empty body first: Herald asks again until the producer says COMMIT
            App app = app("HTTP", checker.url(), 300, 20);
            assertThat(prepare(app, "tx-check").status()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(60)).until(() -> checker.received().size() >= 1);
            assertThat(new String(checker.received().get(0).body(), StandardCharsets.UTF_8)).contains("tx-check");
            checker.script((n, r) -> new Endpoint.Answer(200, Map.of("Content-Type", "text/plain"), 0, "COMMIT"));
            await().atMost(Duration.ofSeconds(60)).until(() -> state("tx-check").equals("PUBLISHED"));
        }
    }
}
