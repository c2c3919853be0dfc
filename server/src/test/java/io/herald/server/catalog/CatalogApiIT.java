package io.herald.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

class CatalogApiIT extends ServerTest {

    private String newApp() {
        String name = unique("app");
        Api.Response r = admin.post("/apps", Map.of("name", name, "owner", "team-a"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return name;
    }

    private String newTopic(String app, String... types) {
        String name = unique("topic");
        List<Map<String, Object>> typeList = Stream.of(types).map(t -> Map.<String, Object>of("name", t)).toList();
        Api.Response r = admin.post("/topics", Map.of("name", name, "app", app, "partitions", 2, "replicationFactor", 1,
                "types", typeList));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return name;
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceEvenRightAfterItWasUsed() {
        String name = unique("revoking");
        Api.Response created = admin.post("/apps", Map.of("name", name));
        String key = created.json().get("apiKey").asString();
        long keyId = admin.get("/apps/" + name + "/keys").json().get(0).get("id").asLong();
        // used, so remembered as valid for a while
        assertThat(admin.as(key).get("/apps/" + name).status()).isEqualTo(200);

        assertThat(admin.delete("/apps/" + name + "/keys/" + keyId).status()).isBetween(200, 204);

        Api.Response refused = admin.as(key).get("/apps/" + name);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.isProblem()).isTrue();
    }

    @Test
    void createsAppAndShowsItsKeyOnlyOnce() {
        String name = unique("billing");
        Api.Response created = admin.post("/apps", Map.of("name", name, "owner", "payments", "description", "Billing"));
        assertThat(created.status()).isEqualTo(201);
        String key = created.json().get("apiKey").asString();
        assertThat(key).startsWith("hk_");
        assertThat(created.json().at("/app/owner").asString()).isEqualTo("payments");

        Api.Response got = admin.get("/apps/" + name);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body()).doesNotContain(key);
        assertThat(admin.get("/apps/" + name + "/keys").body()).doesNotContain(key);

        // the key works for its own app
        assertThat(admin.as(key).get("/apps/" + name).status()).isEqualTo(200);
    }

    @Test
    void updatesAndDeletesApp() {
        String name = newApp();
        Api.Response updated = admin.patch("/apps/" + name, Map.of("description", "changed"));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("description").asString()).isEqualTo("changed");
        assertThat(updated.json().get("owner").asString()).isEqualTo("team-a");

        assertThat(admin.delete("/apps/" + name).status()).isEqualTo(204);
        assertThat(admin.get("/apps/" + name).status()).isEqualTo(404);
    }

    @Test
    void rotatesAndRevokesKeys() {
        String name = unique("rot");
        String first = admin.post("/apps", Map.of("name", name)).json().get("apiKey").asString();
        Api.Response rotated = admin.as(first).post("/apps/" + name + "/keys", null);
        assertThat(rotated.status()).isEqualTo(201);
        String second = rotated.json().get("apiKey").asString();
        assertThat(second).isNotEqualTo(first);

        JsonNode keys = admin.get("/apps/" + name + "/keys").json();
        assertThat(keys.size()).isEqualTo(2);
        long firstId = keys.get(0).get("id").asLong();
        assertThat(admin.as(second).delete("/apps/" + name + "/keys/" + firstId).status()).isEqualTo(200);

        assertThat(admin.as(first).get("/apps/" + name).status()).isEqualTo(401);
        assertThat(admin.as(second).get("/apps/" + name).status()).isEqualTo(200);
    }

    @Test
    void duplicateAppNameIsAConflict() {
        String name = newApp();
        Api.Response r = admin.post("/apps", Map.of("name", name));
        assertProblem(r, 409, "name");
    }

    @Test
    void appOwningTopicsCannotBeDeleted() {
        String app = newApp();
        newTopic(app);
        assertProblem(admin.delete("/apps/" + app), 409, "name");
    }

    @Test
    void topicCrudWithTypes() {
        String app = newApp();
        String topic = unique("trade");
        Api.Response created = admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 3,
                "replicationFactor", 1, "retentionMs", 3_600_000, "description", "Trades",
                "types", List.of(Map.of("name", "pay-succ", "jsonSchema", Map.of("type", "object")),
                        Map.of("name", "pay-fail"))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("types").size()).isEqualTo(2);
        assertThat(created.json().at("/types/1/jsonSchema/type").asString()).isEqualTo("object");

        JsonNode got = admin.get("/topics/" + topic).json();
        assertThat(got.get("partitions").asInt()).isEqualTo(3);
        assertThat(got.at("/kafka/exists").asBoolean()).isTrue();
        assertThat(got.at("/kafka/partitions").asInt()).isEqualTo(3);
        assertThat(got.at("/kafka/drift").size()).isZero();

        Api.Response type = admin.post("/topics/" + topic + "/types", Map.of("name", "refund", "description", "Refunds"));
        assertThat(type.status()).isEqualTo(201);
        assertThat(admin.get("/topics/" + topic + "/types").json().size()).isEqualTo(3);
        assertThat(admin.patch("/topics/" + topic + "/types/refund", Map.of("jsonSchema", "{\"type\":\"object\"}")).status())
                .isEqualTo(200);
        assertThat(admin.delete("/topics/" + topic + "/types/refund").status()).isEqualTo(204);
        assertProblem(admin.post("/topics/" + topic + "/types", Map.of("name", "pay-succ")), 409, "name");

        Api.Response updated = admin.patch("/topics/" + topic, Map.of("description", "All trades", "partitions", 4));
        assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
        assertThat(admin.get("/topics/" + topic).json().at("/kafka/partitions").asInt()).isEqualTo(4);

        assertThat(admin.delete("/topics/" + topic).status()).isEqualTo(204);
        assertThat(admin.get("/topics/" + topic).status()).isEqualTo(404);
    }

    @Test
    void listsTopicsPagedAndSearchable() {
        String app = newApp();
        String marker = "zq" + Long.toString(System.nanoTime(), 36);
        for (int i = 0; i < 3; i++) {
            assertThat(admin.post("/topics", Map.of("name", marker + "-" + i, "app", app, "partitions", 1,
                    "replicationFactor", 1)).status()).isEqualTo(201);
        }
        JsonNode page0 = admin.get("/topics?q=" + marker + "&size=2&page=0").json();
        assertThat(page0.get("total").asLong()).isEqualTo(3);
        assertThat(page0.get("items").size()).isEqualTo(2);
        assertThat(page0.at("/items/0/name").asString()).isEqualTo(marker + "-0");
        JsonNode page1 = admin.get("/topics?q=" + marker + "&size=2&page=1").json();
        assertThat(page1.get("items").size()).isEqualTo(1);
        assertProblem(admin.get("/topics?size=0"), 422, "size");
    }

    @Test
    void bindingCrudAndPreview() {
        String app = newApp();
        String topic = newTopic(app, "pay-succ", "pay-fail", "refund");
        Api.Response created = admin.post("/bindings", Map.of("app", app, "group", "billing-" + app, "topic", topic,
                "kind", "REGEX", "typePattern", "pay-.*", "deliveryLimit", 3, "backoffMillis", 500));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        assertThat(created.json().get("deadLetterTopic").asString()).isEqualTo(topic + ".billing-" + app + ".dlt");

        assertThat(admin.get("/bindings?app=" + app).json().size()).isEqualTo(1);
        Api.Response paused = admin.patch("/bindings/" + id, Map.of("paused", true, "backoffMillis", 2000));
        assertThat(paused.json().get("paused").asBoolean()).isTrue();
        assertThat(paused.json().get("backoffMillis").asLong()).isEqualTo(2000);
        assertThat(paused.json().get("typePattern").asString()).isEqualTo("pay-.*");

        assertProblem(admin.delete("/topics/" + topic), 409, "name");
        assertThat(admin.delete("/bindings/" + id).status()).isEqualTo(204);
        assertThat(admin.get("/bindings/" + id).status()).isEqualTo(404);
        assertThat(admin.delete("/topics/" + topic).status()).isEqualTo(204);
    }

    @Test
    void aBindingIsAddressedByItsGroupAndTopicWithoutKnowingItsId() {
        String app = newApp();
        String topic = newTopic(app, "pay-succ", "pay-fail");
        String group = "billing-" + app;
        long id = admin.post("/bindings", Map.of("app", app, "group", group, "topic", topic, "kind", "DIRECT", "typePattern", "pay-succ"))
                .json().get("id").asLong();

        assertThat(admin.get("/bindings/" + group + "/" + topic).json().get("id").asLong()).isEqualTo(id);
        Api.Response widened = admin.patch("/bindings/" + group + "/" + topic, Map.of("kind", "FANOUT", "typePattern", ""));
        assertThat(widened.status()).as(widened.toString()).isEqualTo(200);
        assertThat(admin.get("/bindings/" + id).json().get("kind").asString()).isEqualTo("FANOUT");
        assertProblem(admin.get("/bindings/nobody-" + app + "/" + topic), 404, "group");

        // a second binding of the group on that topic makes group/topic ambiguous: 409 naming both ids
        long second = admin.post("/bindings", Map.of("app", app, "group", group, "topic", topic, "kind", "DIRECT", "typePattern", "pay-fail"))
                .json().get("id").asLong();
        Api.Response ambiguous = admin.patch("/bindings/" + group + "/" + topic, Map.of("paused", true));
        assertProblem(ambiguous, 409, "id");
        assertThat(ambiguous.json().get("detail").asString()).contains(id + ", " + second);
        assertThat(admin.delete("/bindings/" + second).status()).isEqualTo(204);
        assertThat(admin.delete("/bindings/" + group + "/" + topic).status()).isEqualTo(204);
        assertThat(admin.get("/bindings/" + id).status()).isEqualTo(404);
    }

    @Test
    void processorCrud() {
        String app = newApp();
        String topic = newTopic(app, "t");
        long binding = admin.post("/bindings", Map.of("app", app, "group", "push-" + app, "topic", topic, "kind", "FANOUT"))
                .json().get("id").asLong();
        Api.Response created = admin.post("/processors", Map.of("bindingId", binding, "address", "https://hooks.example.com/in",
                "timeoutMillis", 2000, "retryIntervalMillis", 100, "retryCount", 4, "concurrency", 2));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        assertThat(created.json().get("retryCount").asInt()).isEqualTo(4);
        assertProblem(admin.post("/processors", Map.of("bindingId", binding, "address", "http://x.example")), 409, "bindingId");

        Api.Response updated = admin.patch("/processors/" + id, Map.of("paused", true, "address", "http://localhost:9/hook"));
        assertThat(updated.json().get("paused").asBoolean()).isTrue();
        assertThat(updated.json().get("address").asString()).isEqualTo("http://localhost:9/hook");
        assertThat(admin.get("/processors?app=" + app).json().size()).isEqualTo(1);
        assertThat(admin.delete("/processors/" + id).status()).isEqualTo(204);
        assertThat(admin.get("/processors/" + id).status()).isEqualTo(404);
    }

    @Test
    void everyChangeBumpsConfigVersionAndIsAudited() {
        String app = newApp();
        JsonNode audit = admin.get("/audit?objectType=app&objectId=" + app).json();
        assertThat(audit.size()).isEqualTo(1);
        assertThat(audit.at("/0/action").asString()).isEqualTo("create");
        assertThat(audit.at("/0/actor").asString()).isEqualTo("admin-token");
        assertThat(audit.at("/0/after/name").asString()).isEqualTo(app);

        String key = admin.post("/apps/" + app + "/keys", null).json().get("apiKey").asString();
        JsonNode rotate = admin.get("/audit?objectType=app&objectId=" + app).json().get(0);
        assertThat(rotate.get("action").asString()).isEqualTo("rotate-key");
        assertThat(rotate.toString()).doesNotContain(key);
    }

    static Stream<Arguments> invalidTopics() {
        return Stream.of(
                Arguments.of(Map.of("name", "has space"), "name"),
                Arguments.of(Map.of("name", "x".repeat(250)), "name"),
                Arguments.of(Map.of("name", ".."), "name"),
                Arguments.of(Map.of("name", "."), "name"),
                Arguments.of(Map.of("name", "ok-name", "partitions", 0), "partitions"),
                Arguments.of(Map.of("name", "ok-name", "partitions", 10_001), "partitions"),
                Arguments.of(Map.of("name", "ok-name", "replicationFactor", 7), "replicationFactor"),
                Arguments.of(Map.of("name", "ok-name", "retentionMs", 5), "retentionMs"),
                Arguments.of(Map.of("name", "ok-name", "traceSampleRate", 1.5), "traceSampleRate"),
                Arguments.of(Map.of("name", "ok-name", "traceSampleRate", -0.1), "traceSampleRate"),
                Arguments.of(Map.of("name", "ok-name", "types", List.of(Map.of("name", "a b"))), "types[0].name"),
                Arguments.of(Map.of("name", "ok-name", "types", List.of(Map.of("name", "a", "jsonSchema", "{not json"))),
                        "types[0].jsonSchema"),
                Arguments.of(Map.of("name", "ok-name", "types", List.of(Map.of("name", "a"), Map.of("name", "a"))),
                        "types[1].name"),
                Arguments.of(Map.of("name", "ok-name", "partitions", "many"), "partitions"),
                Arguments.of(Map.of("name", "herald.internal"), "name"));
    }

    @ParameterizedTest
    @MethodSource("invalidTopics")
    void rejectsInvalidTopic(Map<String, Object> body, String field) {
        String app = newApp();
        Map<String, Object> withApp = new java.util.HashMap<>(body);
        withApp.put("app", app);
        Api.Response r = admin.post("/topics", withApp);
        assertThat(r.status()).as(r.toString()).isIn(400, 422);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.json().path("field").asString()).as(r.toString()).isEqualTo(field);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.herald");
    }

    @Test
    void rejectsTopicCollidingOnDotAndUnderscore() {
        String app = newApp();
        String base = unique("col");
        assertThat(admin.post("/topics", Map.of("name", base + ".a", "app", app, "partitions", 1)).status()).isEqualTo(201);
        assertProblem(admin.post("/topics", Map.of("name", base + "_a", "app", app, "partitions", 1)), 409, "name");
    }

    @Test
    void refusesToLowerPartitions() {
        String app = newApp();
        String topic = newTopic(app);
        assertProblem(admin.patch("/topics/" + topic, Map.of("partitions", 1)), 422, "partitions");
    }

    @Test
    void duplicateTopicIsAConflictAndUnknownAppIsNotFound() {
        String app = newApp();
        String topic = newTopic(app);
        assertProblem(admin.post("/topics", Map.of("name", topic, "app", app)), 409, "name");
        assertProblem(admin.post("/topics", Map.of("name", unique("t"), "app", "no-such-app")), 404, "app");
    }

    static Stream<Arguments> invalidBindings() {
        return Stream.of(
                Arguments.of(Map.of("kind", "SOMETIMES"), "kind"),
                Arguments.of(Map.of("kind", "REGEX", "typePattern", "pay-("), "typePattern"),
                Arguments.of(Map.of("kind", "DIRECT", "typePattern", "undeclared"), "typePattern"),
                Arguments.of(Map.of("kind", "DIRECT"), "typePattern"),
                Arguments.of(Map.of("kind", "FANOUT", "typePattern", "x"), "typePattern"),
                Arguments.of(Map.of("kind", "FANOUT", "deliveryLimit", 0), "deliveryLimit"),
                Arguments.of(Map.of("kind", "FANOUT", "backoffMillis", -1), "backoffMillis"),
                Arguments.of(Map.of("kind", "FANOUT", "backoffMillis", 5000, "backoffMaxMillis", 10), "backoffMaxMillis"),
                Arguments.of(Map.of("kind", "FANOUT", "expiryMillis", 5), "expiryMillis"),
                Arguments.of(Map.of("kind", "FANOUT", "group", "bad group"), "group"),
                Arguments.of(Map.of("kind", "FANOUT", "topic", "no-such-topic"), "topic"));
    }

    @ParameterizedTest
    @MethodSource("invalidBindings")
    void rejectsInvalidBinding(Map<String, Object> overrides, String field) {
        String app = newApp();
        String topic = newTopic(app, "declared");
        Map<String, Object> body = new java.util.HashMap<>(Map.of("app", app, "group", "g-" + app, "topic", topic));
        body.putAll(overrides);
        Api.Response r = admin.post("/bindings", body);
        assertThat(r.status()).as(r.toString()).isIn(400, 404, 409, 422);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.json().get("field").asString()).isEqualTo(field);
    }

    @Test
    void groupBelongsToOneApp() {
        String a = newApp();
        String b = newApp();
        String topic = newTopic(a);
        assertThat(admin.post("/bindings", Map.of("app", a, "group", "shared-" + a, "topic", topic, "kind", "FANOUT")).status())
                .isEqualTo(201);
        assertProblem(admin.post("/bindings", Map.of("app", b, "group", "shared-" + a, "topic", topic, "kind", "FANOUT")),
                409, "group");
    }

    static Stream<Arguments> invalidProcessors() {
        return Stream.of(
                Arguments.of(Map.of("address", "ftp://files.example.com"), "address"),
                Arguments.of(Map.of("address", "not a url"), "address"),
                Arguments.of(Map.of("address", "http://ok.example", "timeoutMillis", 0), "timeoutMillis"),
                Arguments.of(Map.of("address", "http://ok.example", "retryCount", -1), "retryCount"),
                Arguments.of(Map.of("address", "http://ok.example", "concurrency", 0), "concurrency"),
                Arguments.of(Map.of("address", "http://ok.example", "protocol", "SMTP"), "protocol"));
    }

    @ParameterizedTest
    @MethodSource("invalidProcessors")
    void rejectsInvalidProcessor(Map<String, Object> overrides, String field) {
        String app = newApp();
        String topic = newTopic(app);
        long binding = admin.post("/bindings", Map.of("app", app, "group", "p-" + app, "topic", topic, "kind", "FANOUT"))
                .json().get("id").asLong();
        Map<String, Object> body = new java.util.HashMap<>(Map.of("bindingId", binding));
        body.putAll(overrides);
        assertProblem(admin.post("/processors", body), 422, field);
    }

    @Test
    void malformedJsonIsA400Problem() {
        Api.Response r = admin.post("/apps", "{\"name\": ");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.isProblem()).isTrue();
        Api.Response badId = admin.get("/bindings/not-a-number");
        assertThat(badId.status()).as(badId.toString()).isEqualTo(400);
        assertThat(badId.json().get("field").asString()).as(badId.toString()).isEqualTo("id");
    }

    static void assertProblem(Api.Response r, int status, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.isProblem()).as(r.contentType()).isTrue();
        assertThat(r.json().get("field").asString()).as(r.toString()).isEqualTo(field);
    }
}
