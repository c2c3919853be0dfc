package io.herald.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** Message type schemas over the API: checked against the meta-schema on write, versioned, kept compatible. */
class SchemaApiIT extends ServerTest {

    private String newTopic(String... types) {
        String app = unique("app");
        assertThat(admin.post("/apps", Map.of("name", app, "owner", "team-a")).status()).isEqualTo(201);
        String name = unique("topic");
        Api.Response r = admin.post("/topics", Map.of("name", name, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", List.of(types).stream().map(t -> Map.of("name", t)).toList()));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return name;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"required\":\"orderId\"}             | /required",
            "{\"properties\":5}                     | /properties",
            "{\"type\":42}                          | /type",
            "{\"properties\":{\"a\":{\"type\":\"strin\"}}} | /properties/a/type"})
    void refusesASchemaThatBreaksTheMetaSchemaNamingThePath(String schema, String path) {
        String topic = newTopic("paid");

        Api.Response added = admin.post("/topics/" + topic + "/types", Map.of("name", "refund", "jsonSchema", schema));
        Api.Response patched = admin.patch("/topics/" + topic + "/types/paid", Map.of("jsonSchema", schema));
        Api.Response created = admin.post("/topics", Map.of("name", unique("t"), "app", "nobody",
                "types", List.of(Map.of("name", "a", "jsonSchema", schema))));

        for (Api.Response r : List.of(added, patched)) {
            assertThat(r.status()).as(r.toString()).isEqualTo(422);
            assertThat(r.isProblem()).isTrue();
            assertThat(r.json().get("field").asString()).isEqualTo("jsonSchema");
            assertThat(r.json().get("detail").asString()).contains("not a valid JSON Schema").contains(path + ": ");
        }
        assertThat(created.status()).as(created.toString()).isEqualTo(422);
        assertThat(created.json().get("field").asString()).isEqualTo("types[0].jsonSchema");
        JsonNode kept = admin.get("/topics/" + topic + "/types").json().get(0).path("jsonSchema");
        assertThat(kept.isMissingNode() || kept.isNull()).as("the schema was not stored").isTrue();
    }

    private static final String V1 = "{\"type\":\"object\",\"required\":[\"orderId\"],"
            + "\"properties\":{\"orderId\":{\"type\":\"string\"},\"amount\":{\"type\":[\"number\",\"null\"]}}}";

    @Test
    void keepsEveryVersionWithWhoAndWhenAndPushesTheCurrentNumber() {
        String topic = newTopic("paid");
        String app = admin.get("/topics/" + topic).json().get("app").asString();

        admin.patch("/topics/" + topic + "/types/paid", Map.of("jsonSchema", V1));
        admin.patch("/topics/" + topic + "/types/paid", Map.of("description", "no new version"));
        Api.Response second = admin.patch("/topics/" + topic + "/types/paid", Map.of("jsonSchema", Map.of("type", "object")));

        assertThat(second.json().get("schemaVersion").asInt()).isEqualTo(2);
        JsonNode versions = admin.get("/topics/" + topic + "/types/paid/schemas").json();
        assertThat(versions.size()).isEqualTo(2);
        assertThat(versions.get(0).get("version").asInt()).isEqualTo(1);
        assertThat(versions.get(0).at("/jsonSchema/required/0").asString()).isEqualTo("orderId");
        assertThat(versions.get(1).get("changedBy").asString()).isNotBlank();
        assertThat(versions.get(1).get("changedAt").asString()).isNotBlank();
        assertThat(admin.get("/topics/" + topic + "/types/paid/schemas/1").json().at("/jsonSchema/type").asString())
                .isEqualTo("object");
        assertThat(admin.get("/topics/" + topic + "/types/paid/schemas/3").status()).isEqualTo(404);
        JsonNode config = admin.get("/config/" + app).json();
        JsonNode pushed = null;
        for (JsonNode t : config.get("topics")) {
            if (t.get("name").asString().equals(topic)) {
                pushed = t.get("types").get(0);
            }
        }
        assertThat(pushed).isNotNull();
        assertThat(pushed.get("schemaVersion").asInt()).isEqualTo(2);
    }

    @Test
    void refusesAChangeThatBreaksTheTypesModeNamingEachPathAndWhy() {
        String topic = newTopic();
        assertThat(admin.post("/topics/" + topic + "/types", Map.of("name", "paid", "jsonSchema", V1,
                "compatibility", "BACKWARD")).status()).isEqualTo(201);

        // a new required field and a narrowed type: two breaks
        Api.Response broken = admin.patch("/topics/" + topic + "/types/paid", Map.of("jsonSchema",
                "{\"type\":\"object\",\"required\":[\"orderId\",\"currency\"],\"properties\":{\"orderId\":{\"type\":\"string\"},"
                        + "\"amount\":{\"type\":\"number\"},\"currency\":{\"type\":\"string\"}}}"));
        Api.Response optional = admin.patch("/topics/" + topic + "/types/paid", Map.of("jsonSchema",
                "{\"type\":\"object\",\"required\":[\"orderId\"],\"properties\":{\"orderId\":{\"type\":\"string\"},"
                        + "\"amount\":{\"type\":[\"number\",\"null\"]},\"currency\":{\"type\":\"string\"}}}"));
        Api.Response none = admin.patch("/topics/" + topic + "/types/paid", Map.of("compatibility", "NONE",
                "jsonSchema", Map.of("type", "array")));
        Api.Response badMode = admin.patch("/topics/" + topic + "/types/paid", Map.of("compatibility", "SIDEWAYS"));

        assertThat(broken.status()).as(broken.toString()).isEqualTo(422);
        assertThat(broken.json().get("field").asString()).isEqualTo("jsonSchema");
        JsonNode errors = broken.json().get("errors");
        assertThat(errors.size()).isEqualTo(2);
        assertThat(errors.toString()).contains("BACKWARD", "version 1", "/currency: added as required", "/amount: type narrowed");
        assertThat(optional.status()).as("an optional field is a BACKWARD change: " + optional).isEqualTo(200);
        assertThat(optional.json().get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(none.status()).as("NONE accepts anything: " + none).isEqualTo(200);
        assertThat(badMode.status()).isEqualTo(422);
        assertThat(badMode.json().get("field").asString()).isEqualTo("compatibility");
        assertThat(admin.get("/topics/" + topic + "/types/paid/schemas").json().size()).isEqualTo(3);
    }
}
