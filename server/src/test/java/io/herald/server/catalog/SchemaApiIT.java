package io.herald.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** Message type schemas over the API: checked against the meta-schema on write. */
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
}
