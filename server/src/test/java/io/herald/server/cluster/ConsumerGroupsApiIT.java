package io.herald.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Consumer groups and the cluster over the API, against the real broker: a group that consumed is
 * listed with its lag, its page shows members and lag per partition, offsets are reset (earliest,
 * latest, a time, an offset) only while it has no members, and an empty group is deleted; bad input
 * is answered 404 / 409 / 422 problem+json naming the field.
 */
class ConsumerGroupsApiIT extends ServerTest {

    private String topic(int partitions) {
        String app = unique("cga");
        assertThat(admin.post("/apps", Map.of("name", app)).status()).isEqualTo(201);
        String topic = unique("cgt");
        Api.Response t = admin.post("/topics", Map.of("name", topic, "app", app, "partitions", partitions, "replicationFactor", 1));
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        return topic;
    }

    private JsonNode listed(String group) {
        Api.Response r = admin.get("/consumer-groups?q=" + group);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        for (JsonNode g : r.json().path("items")) {
            if (g.path("group").asString().equals(group)) {
                return g;
            }
        }
        return null;
    }

    @Test
    void aGroupThatConsumedIsListedWithItsLagAndMembersAndItsOffsetsResetOnlyWithoutMembers() {
        // given: a consumer of group g read 2 of 5 records and committed, and still runs
        String topic = topic(1);
        GroupFixtures.produce(topic, 5);
        String group = unique("cg");
        KafkaConsumer<String, String> consumer = GroupFixtures.consumer(group, topic, 2);
        try {
            // then: listed as a foreign group with one member and lag 3 on the topic
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode g = listed(group);
                return g != null && g.path("members").asInt() == 1 && g.path("state").asString().equals("STABLE");
            });
            JsonNode row = listed(group);
            assertThat(row.path("kind").asString()).isEqualTo("FOREIGN");
            assertThat(row.path("totalLag").asLong()).isEqualTo(3);
            assertThat(row.path("topics").get(0).path("topic").asString()).isEqualTo(topic);
            assertThat(row.path("topics").get(0).path("lag").asLong()).isEqualTo(3);

            JsonNode detail = admin.get("/consumer-groups/" + group).json();
            assertThat(detail.path("members").get(0).path("clientId").asString()).isEqualTo("client-" + group);
            assertThat(detail.path("members").get(0).path("host").asString()).isNotBlank();
            assertThat(detail.path("members").get(0).path("assignment").get(0).asString()).isEqualTo(topic + "-0");
            assertThat(detail.path("partitions").get(0).path("committed").asLong()).isEqualTo(2);
            assertThat(detail.path("partitions").get(0).path("end").asLong()).isEqualTo(5);
            assertThat(detail.path("partitions").get(0).path("lag").asLong()).isEqualTo(3);

            // when: a reset while the consumer runs
            Api.Response refused = admin.post("/consumer-groups/" + group + "/reset-offsets", Map.of("topic", topic, "to", "EARLIEST"));
            // then: 409 naming the group, pointing to Replay; nothing moved
            assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
            assertThat(refused.isProblem()).isTrue();
            assertThat(refused.json().path("field").asString()).isEqualTo("group");
            assertThat(refused.json().path("detail").asString()).contains("1 active member", "Replay");
            assertThat(GroupFixtures.offsets(group, topic)).containsEntry(0, 2L);
            Api.Response notDeleted = admin.delete("/consumer-groups/" + group);
            assertThat(notDeleted.status()).as(notDeleted.toString()).isEqualTo(409);
        } finally {
            GroupFixtures.leave(consumer);
        }

        // when: the consumer left; reset to earliest
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/consumer-groups/" + group).json().path("members").isEmpty());
        Api.Response reset = admin.post("/consumer-groups/" + group + "/reset-offsets", Map.of("topic", topic, "to", "EARLIEST"));
        assertThat(reset.status()).as(reset.toString()).isEqualTo(200);
        assertThat(reset.json().path("partitions").get(0).path("before").asLong()).isEqualTo(2);
        assertThat(reset.json().path("partitions").get(0).path("after").asLong()).isZero();
        assertThat(GroupFixtures.offsets(group, topic)).containsEntry(0, 0L);
        JsonNode audit = admin.get("/audit?objectType=consumer-group&objectId=" + group).json().get(0);
        assertThat(audit.path("action").asString()).isEqualTo("reset-offsets");

        // latest, an explicit offset, a time
        assertThat(admin.post("/consumer-groups/" + group + "/reset-offsets", Map.of("topic", topic, "to", "LATEST")).status())
                .isEqualTo(200);
        assertThat(GroupFixtures.offsets(group, topic)).containsEntry(0, 5L);
        assertThat(admin.post("/consumer-groups/" + group + "/reset-offsets",
                Map.of("topic", topic, "to", "OFFSET", "offset", 4, "partition", 0)).status()).isEqualTo(200);
        assertThat(GroupFixtures.offsets(group, topic)).containsEntry(0, 4L);
        assertThat(admin.post("/consumer-groups/" + group + "/reset-offsets",
                Map.of("topic", topic, "to", "TIME", "time", Instant.now().minusSeconds(3600).toString())).status()).isEqualTo(200);
        assertThat(GroupFixtures.offsets(group, topic)).containsEntry(0, 0L);
        assertThat(admin.post("/consumer-groups/" + group + "/reset-offsets",
                Map.of("topic", topic, "to", "TIME", "time", Instant.now().plusSeconds(3600).toString())).status()).isEqualTo(200);
        assertThat(GroupFixtures.offsets(group, topic)).as("after the last record").containsEntry(0, 5L);

        // and: an empty group is deleted, audited, and is gone
        Api.Response deleted = admin.delete("/consumer-groups/" + group);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        assertThat(admin.get("/consumer-groups/" + group).status()).isEqualTo(404);
        assertThat(admin.get("/audit?objectType=consumer-group&objectId=" + group).json().get(0).path("action").asString())
                .isEqualTo("delete");
    }

    @Test
    void badInputIsAnsweredWithProblemsNamingTheField() {
        String topic = topic(2);
        GroupFixtures.produce(topic, 3);
        String group = GroupFixtures.committed(topic, 1);

        expect(admin.get("/consumer-groups/" + unique("nope")), 404, "group");
        expect(admin.post("/consumer-groups/" + unique("nope") + "/reset-offsets", Map.of("topic", topic, "to", "EARLIEST")), 404, "group");
        expect(admin.delete("/consumer-groups/" + unique("nope")), 404, "group");
        String reset = "/consumer-groups/" + group + "/reset-offsets";
        expect(admin.post(reset, Map.of("topic", topic, "to", "SOMEWHERE")), 422, "to");
        expect(admin.post(reset, Map.of("to", "EARLIEST")), 422, "topic");
        expect(admin.post(reset, Map.of("topic", topic, "to", "TIME")), 422, "time");
        expect(admin.post(reset, Map.of("topic", topic, "to", "TIME", "time", "yesterday")), 422, "time");
        expect(admin.post(reset, Map.of("topic", topic, "to", "OFFSET")), 422, "offset");
        expect(admin.post(reset, Map.of("topic", topic, "to", "OFFSET", "offset", -1)), 422, "offset");
        Api.Response beyond = admin.post(reset, Map.of("topic", topic, "to", "OFFSET", "offset", 99));
        expect(beyond, 422, "offset");
        assertThat(beyond.json().path("detail").asString()).contains("between 0 and");
        expect(admin.post(reset, Map.of("topic", topic, "to", "EARLIEST", "partition", 7)), 422, "partition");
        expect(admin.post(reset, Map.of("topic", unique("no-such-topic"), "to", "EARLIEST")), 422, "topic");
        assertThat(GroupFixtures.offsets(group, topic)).isEqualTo(Map.of(0, 1L));
    }

    private static void expect(Api.Response r, int status, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.isProblem()).as(r.toString()).isTrue();
        assertThat(r.json().path("field").asString()).as(r.toString()).isEqualTo(field);
    }

    @Test
    void aBindingsGroupIsMarkedAsHeralds() {
        String topic = topic(1);
        String app = admin.get("/topics/" + topic).json().path("app").asString();
        String group = unique("cgb");
        assertThat(admin.post("/bindings", Map.of("app", app, "group", group, "topic", topic, "kind", "FANOUT")).status()).isEqualTo(201);
        GroupFixtures.commit(group, topic, 0, 0);
        assertThat(listed(group).path("kind").asString()).isEqualTo("BINDING");
        JsonNode detail = admin.get("/consumer-groups/" + group).json();
        assertThat(detail.path("bindings").get(0).path("topic").asString()).isEqualTo(topic);
        assertThat(detail.path("kind").asString()).isEqualTo("BINDING");
    }

    @Test
    void theListIsPagedAndFiltered() {
        String topic = topic(1);
        String prefix = unique("cgp");
        for (int i = 0; i < 5; i++) {
            GroupFixtures.commit(prefix + "-" + i, topic, 0, 0);
        }
        JsonNode page = admin.get("/consumer-groups?q=" + prefix + "&size=2&page=1").json();
        assertThat(page.path("total").asInt()).isEqualTo(5);
        assertThat(page.path("items").size()).isEqualTo(2);
        assertThat(page.path("items").get(0).path("group").asString()).isEqualTo(prefix + "-2");
        assertThat(admin.get("/consumer-groups?q=" + prefix + "&state=STABLE").json().path("total").asInt()).isZero();
        assertThat(admin.get("/consumer-groups?q=" + prefix + "&state=EMPTY").json().path("total").asInt()).isEqualTo(5);
    }

    @Test
    void theClusterShowsItsBrokersControllerVersionAndMaskedBrokerConfigs() {
        JsonNode c = admin.get("/cluster").json();
        assertThat(c.path("brokers").size()).isGreaterThanOrEqualTo(1);
        JsonNode broker = c.path("brokers").get(0);
        assertThat(broker.path("host").asString()).isNotBlank();
        assertThat(broker.path("port").asInt()).isPositive();
        assertThat(broker.path("logDirs").size()).isGreaterThanOrEqualTo(1);
        assertThat(c.path("clusterId").asString()).isNotBlank();
        assertThat(c.path("kafkaVersion").asString()).matches("\\d+\\.\\d+");
        assertThat(c.path("partitions").asInt()).isPositive();
        assertThat(c.path("offline").asInt()).isZero();

        JsonNode configs = admin.get("/cluster/brokers/" + broker.path("id").asInt()).json();
        assertThat(configs.path("broker").path("id").asInt()).isEqualTo(broker.path("id").asInt());
        List<String> names = configs.path("configs").valueStream().map(e -> e.path("name").asString()).toList();
        assertThat(names).contains("log.retention.hours", "num.partitions");
        configs.path("configs").forEach(e -> {
            if (e.path("sensitive").asBoolean() && !e.path("value").isNull()) {
                assertThat(e.path("value").asString()).as(e.path("name").asString()).isEqualTo("******");
            }
        });
        assertThat(admin.get("/cluster/brokers/987654").status()).isEqualTo(404);
    }
}
