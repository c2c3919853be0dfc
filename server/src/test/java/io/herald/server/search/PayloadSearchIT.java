package io.herald.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/v1/topics/{topic}/search}: hits streamed as NDJSON, then a summary; bad input is a 422 naming the field. */
class PayloadSearchIT extends ServerTest {

    private String topic(String app) {
        String topic = unique("search");
        Api.Response r = admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 2, "replicationFactor", 1));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return topic;
    }

    private String app() {
        String app = unique("finder");
        assertThat(admin.post("/apps", Map.of("name", app)).status()).isEqualTo(201);
        return app;
    }

    /** The hit lines and the summary of a search. */
    private record Answer(List<JsonNode> hits, JsonNode summary, Api.Response raw) {
    }

    private Answer search(Api api, String topic, Map<String, Object> body) {
        Api.Response r = api.post("/topics/" + topic + "/search", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/x-ndjson");
        List<JsonNode> hits = new ArrayList<>();
        JsonNode summary = null;
        for (String line : r.body().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            assertThat(summary).as("nothing after the summary line").isNull();
            JsonNode n = Api.JSON.readTree(line);
            if (n.has("summary")) {
                summary = n.get("summary");
            } else {
                hits.add(n);
            }
        }
        assertThat(summary).as("a summary line ends the stream: " + r.body()).isNotNull();
        return new Answer(hits, summary, r);
    }

    @Test
    void streamsTextAndJsonFieldHitsWithTheirPositionThenASummaryOfWhatWasRead() {
        // given: 40 orders over two partitions; three mention "needle", one has order id o-17
        String topic = topic(app());
        SearchFixtures.bulk(topic, 2, 40, "order.created", i -> "{\"order\":{\"id\":\"o-" + i + "\",\"n\":" + i + "},\"note\":\""
                + (i % 13 == 5 ? "a needle here" : "hay") + "\"}");

        // when: the payloads are searched for a text
        Answer text = search(admin, topic, Map.of("text", "needle"));

        // then: each hit is a record with its position, key, headers and payload; the summary says all was read
        assertThat(text.hits()).hasSize(3);
        JsonNode first = text.hits().get(0);
        assertThat(first.get("topic").asString()).isEqualTo(topic);
        assertThat(first.has("partition")).isTrue();
        assertThat(first.has("offset")).isTrue();
        assertThat(Instant.parse(first.get("timestamp").asString())).isBefore(Instant.now().plusSeconds(5));
        assertThat(first.get("key").asString()).startsWith("k-");
        assertThat(first.get("payload").asString()).contains("a needle here");
        assertThat(first.get("headers").toString()).contains("ce_type").contains("order.created");
        assertThat(text.summary().get("scanned").asLong()).isEqualTo(40);
        assertThat(text.summary().get("total").asLong()).isEqualTo(40);
        assertThat(text.summary().get("hits").asLong()).isEqualTo(3);
        assertThat(text.summary().get("stopped").asString()).isEqualTo("end-of-range");

        // and: a JSON field equals a string, and a number by its value
        Answer byId = search(admin, topic, Map.of("jsonPath", "$.order.id", "value", "o-17"));
        assertThat(byId.hits()).hasSize(1);
        assertThat(byId.hits().get(0).get("key").asString()).isEqualTo("k-17");
        assertThat(byId.hits().get(0).get("partition").asInt()).isEqualTo(1);
        assertThat(search(admin, topic, Map.of("jsonPath", "order.n", "value", "17.0")).hits()).hasSize(1);
        // o-1 is a prefix of o-17 and others, yet equality finds only o-1
        assertThat(search(admin, topic, Map.of("jsonPath", "$['order'].id", "value", "o-1")).hits()).hasSize(1);
        // the type filter, and one partition
        assertThat(search(admin, topic, Map.of("text", "needle", "type", "order.paid")).hits()).isEmpty();
        Answer one = search(admin, topic, Map.of("text", "order", "partitions", List.of(1)));
        assertThat(one.hits()).hasSize(20).allMatch(h -> h.get("partition").asInt() == 1);
        assertThat(one.summary().get("total").asLong()).isEqualTo(20);
    }

    @Test
    void readsOnlyTheTimeRangeAndStopsAtTheScanLimit() {
        String topic = topic(app());
        long hourAgo = Instant.now().minusSeconds(3600).toEpochMilli();
        for (int i = 0; i < 5; i++) {
            SearchFixtures.send(topic, 0, hourAgo + i, "old-" + i, "t", "{\"v\":\"old\"}");
        }
        for (int i = 0; i < 5; i++) {
            SearchFixtures.send(topic, 0, System.currentTimeMillis(), "new-" + i, "t", "{\"v\":\"new\"}");
        }

        Answer recent = search(admin, topic, Map.of("text", "\"v\"", "from", Instant.now().minusSeconds(600).toString()));
        assertThat(recent.hits()).hasSize(5).allMatch(h -> h.get("key").asString().startsWith("new-"));
        assertThat(recent.summary().get("total").asLong()).isEqualTo(5);
        Answer old = search(admin, topic, Map.of("text", "\"v\"", "to", Instant.now().minusSeconds(600).toString()));
        assertThat(old.hits()).hasSize(5).allMatch(h -> h.get("key").asString().startsWith("old-"));

        Answer limited = search(admin, topic, Map.of("text", "nothing-like-this", "maxScan", 3));
        assertThat(limited.hits()).isEmpty();
        assertThat(limited.summary().get("scanned").asLong()).isEqualTo(3);
        assertThat(limited.summary().get("total").asLong()).isEqualTo(10);
        assertThat(limited.summary().get("stopped").asString()).isEqualTo("scan-limit");
    }

    @Test
    void refusesABadJsonPathTimeRangePartitionOrLimitNamingTheField() {
        String topic = topic(app());
        Map<String, Map<String, Object>> bad = new LinkedHashMap<>();
        bad.put("jsonPath", Map.of("jsonPath", "$.items[*].sku", "value", "x"));
        bad.put("value", Map.of("jsonPath", "$.order.id"));
        bad.put("from", Map.of("text", "x", "from", "yesterday"));
        bad.put("to", Map.of("text", "x", "from", "2026-01-02T00:00:00Z", "to", "2026-01-01T00:00:00Z"));
        bad.put("partitions", Map.of("text", "x", "partitions", List.of(0, 7)));
        bad.put("maxScan", Map.of("text", "x", "maxScan", 0));
        for (var e : bad.entrySet()) {
            Api.Response r = admin.post("/topics/" + topic + "/search", e.getValue());
            assertThat(r.status()).as(e.getKey() + ": " + r).isEqualTo(422);
            assertThat(r.isProblem()).isTrue();
            assertThat(r.json().get("field").asString()).as(r.toString()).isEqualTo(e.getKey());
        }
        Api.Response tooMany = admin.post("/topics/" + topic + "/search", Map.of("text", "x", "maxScan", 999_999_999_999L));
        assertThat(tooMany.json().get("detail").asString()).contains("maxScan");
        assertThat(admin.post("/topics/" + unique("nope") + "/search", Map.of("text", "x")).status()).isEqualTo(404);
    }

    @Test
    void onlyAnAdminOrTheOwningAppMaySearchPayloads() {
        String owner = app();
        String topic = topic(owner);
        SearchFixtures.send(topic, 0, System.currentTimeMillis(), "k", "t", "{\"secret\":\"s3cr3t\"}");
        String ownerKey = admin.post("/apps/" + owner + "/keys", null).json().get("apiKey").asString();
        String stranger = app();
        String strangerKey = admin.post("/apps/" + stranger + "/keys", null).json().get("apiKey").asString();

        assertThat(search(admin.as(ownerKey), topic, Map.of("text", "s3cr3t")).hits()).hasSize(1);
        Api.Response refused = admin.as(strangerKey).post("/topics/" + topic + "/search", Map.of("text", "s3cr3t"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.isProblem()).isTrue();
        assertThat(refused.body()).doesNotContain("s3cr3t");
        assertThat(anonymous.post("/topics/" + topic + "/search", Map.of("text", "s3cr3t")).status()).isEqualTo(401);
    }
}
