package io.herald.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * A topic's Kafka configs over the API: every config shown with where its value comes from, the common
 * ones edited (checked, applied in Kafka, kept in the catalog, audited), bad values and Kafka's own
 * refusals answered 422 naming the setting, and a change made outside Herald shown as drift.
 */
class TopicSettingsIT extends ServerTest {

    private static Admin kafka;

    @BeforeAll
    static void kafkaAdmin() {
        kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap()));
    }

    @AfterAll
    static void closeAdmin() {
        kafka.close(Duration.ofSeconds(2));
    }

    private String newTopic() {
        String app = unique("app");
        assertThat(admin.post("/apps", Map.of("name", app)).status()).isEqualTo(201);
        String name = unique("settings");
        Api.Response r = admin.post("/topics", Map.of("name", name, "app", app, "partitions", 1, "replicationFactor", 1));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return name;
    }

    private static Config kafkaConfig(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return kafka.describeConfigs(List.of(resource)).values().get(resource).get(30, TimeUnit.SECONDS);
    }

    private static void alterOutOfBand(String topic, Map<String, String> values) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        List<AlterConfigOp> ops = values.entrySet().stream()
                .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET)).toList();
        kafka.incrementalAlterConfigs(Map.of(resource, ops)).all().get(30, TimeUnit.SECONDS);
    }

    private static JsonNode setting(JsonNode view, String name) {
        for (JsonNode s : view.get("settings")) {
            if (s.get("name").asString().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no setting " + name + " in " + view);
    }

    @Test
    void showsEveryKafkaConfigWithWhichAreDefaultsAndWhichAreSetOnTheTopic() {
        String topic = newTopic();

        Api.Response r = admin.get("/topics/" + topic + "/settings");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode view = r.json();
        assertThat(view.get("reachable").asBoolean()).isTrue();
        assertThat(view.get("exists").asBoolean()).isTrue();
        assertThat(view.get("drift")).isEmpty();
        // the editable ones first, then the rest of what describeConfigs lists
        List<String> names = view.get("settings").valueStream().map(s -> s.get("name").asString()).toList();
        assertThat(names.subList(0, 6)).containsExactly("cleanup.policy", "retention.ms", "retention.bytes",
                "min.insync.replicas", "max.message.bytes", "compression.type");
        assertThat(names).contains("segment.bytes", "min.compaction.lag.ms", "message.timestamp.type");
        assertThat(names.size()).isGreaterThan(20);
        // Herald creates topics with their retention set on the topic; the rest are defaults
        JsonNode retention = setting(view, "retention.ms");
        assertThat(retention.get("isDefault").asBoolean()).isFalse();
        assertThat(retention.get("source").asString()).isEqualTo("DYNAMIC_TOPIC_CONFIG");
        assertThat(retention.get("value").asString()).isEqualTo(Long.toString(TopicService.DEFAULT_RETENTION_MS));
        assertThat(retention.get("catalogValue").asString()).isEqualTo(Long.toString(TopicService.DEFAULT_RETENTION_MS));
        JsonNode cleanup = setting(view, "cleanup.policy");
        assertThat(cleanup.get("isDefault").asBoolean()).isTrue();
        assertThat(cleanup.get("editable").asBoolean()).isTrue();
        assertThat(cleanup.get("value").asString()).isEqualTo("delete");
        assertThat(cleanup.has("catalogValue")).isFalse();
        assertThat(setting(view, "segment.bytes").get("editable").asBoolean()).isFalse();
    }

    @Test
    void editsTheCommonSettingsInKafkaKeepsThemInTheCatalogAndAudits() throws Exception {
        String topic = newTopic();
        Map<String, Object> change = new HashMap<>();
        change.put("cleanup.policy", "compact,delete");
        change.put("min.insync.replicas", 1);
        change.put("max.message.bytes", 2097152);
        change.put("compression.type", "ZSTD");
        change.put("retention.ms", 3600000);
        change.put("retention.bytes", "10485760");

        Api.Response r = admin.patch("/topics/" + topic + "/settings", change);

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(setting(r.json(), "compression.type").get("value").asString()).isEqualTo("zstd");
        assertThat(setting(r.json(), "compression.type").get("catalogValue").asString()).isEqualTo("zstd");
        assertThat(setting(r.json(), "cleanup.policy").get("isDefault").asBoolean()).isFalse();
        assertThat(r.json().get("drift")).isEmpty();
        Config inKafka = kafkaConfig(topic);
        assertThat(inKafka.get("cleanup.policy").value()).isEqualTo("compact,delete");
        assertThat(inKafka.get("min.insync.replicas").value()).isEqualTo("1");
        assertThat(inKafka.get("min.insync.replicas").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(inKafka.get("max.message.bytes").value()).isEqualTo("2097152");
        assertThat(inKafka.get("compression.type").value()).isEqualTo("zstd");
        assertThat(inKafka.get("retention.ms").value()).isEqualTo("3600000");
        assertThat(inKafka.get("retention.bytes").value()).isEqualTo("10485760");
        // the topic's own retention is the same setting
        assertThat(admin.get("/topics/" + topic + "?kafka=false").json().get("retentionMs").asLong()).isEqualTo(3600000);

        JsonNode audit = admin.get("/audit?objectType=topic&objectId=" + topic).json();
        JsonNode row = audit.valueStream().filter(a -> a.get("action").asString().equals("update-settings")).findFirst()
                .orElseThrow(() -> new AssertionError("no update-settings row in " + audit));
        assertThat(row.at("/actor").asString()).isEqualTo("admin-token");
        assertThat(row.at("/before/retention.ms").asString()).isEqualTo(Long.toString(TopicService.DEFAULT_RETENTION_MS));
        assertThat(row.at("/before").has("compression.type")).isFalse();
        assertThat(row.at("/after/compression.type").asString()).isEqualTo("zstd");
        assertThat(row.at("/after/retention.ms").asString()).isEqualTo("3600000");

        // when: two settings go back to the broker's default
        Map<String, Object> reset = new HashMap<>();
        reset.put("compression.type", null);
        reset.put("retention.ms", null);
        Api.Response back = admin.patch("/topics/" + topic + "/settings", reset);

        // then: Kafka no longer has them on the topic; the catalog expects the default
        assertThat(back.status()).as(back.toString()).isEqualTo(200);
        JsonNode compression = setting(back.json(), "compression.type");
        assertThat(compression.get("isDefault").asBoolean()).isTrue();
        assertThat(compression.has("catalogValue")).isFalse();
        assertThat(back.json().get("drift")).isEmpty();
        Config after = kafkaConfig(topic);
        assertThat(after.get("compression.type").source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(after.get("retention.ms").source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(after.get("cleanup.policy").value()).isEqualTo("compact,delete");
        assertThat(admin.get("/topics/" + topic + "?kafka=false").json().get("retentionMs").asLong())
                .isEqualTo(Long.parseLong(after.get("retention.ms").value()));
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("cleanup.policy", "forever", "must be delete"),
                Arguments.of("compression.type", "brotli", "must be one of producer, uncompressed, gzip, snappy, lz4, zstd"),
                Arguments.of("min.insync.replicas", 2, "replication factor (1)"),
                Arguments.of("min.insync.replicas", "two", "must be a whole number"),
                Arguments.of("min.insync.replicas", 0, "must be between 1"),
                Arguments.of("max.message.bytes", 10, "between 1024"),
                Arguments.of("retention.ms", 5, "must be -1 (keep forever) or between"),
                Arguments.of("retention.bytes", -5, "must be -1 (no size limit)"),
                Arguments.of("segment.bytes", 1048576, "cannot be changed through Herald"),
                Arguments.of("compression.type", List.of("zstd"), "must be a string or a number"));
    }

    @Test
    void aNameKafkaDoesNotKnowIsAnUnknownFieldEvenForAnUnknownTopic() {
        for (String topic : List.of(newTopic(), "no-such-topic-" + System.nanoTime())) {
            Api.Response r = admin.patch("/topics/" + topic + "/settings", Map.of("retention.msec", 1000));

            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.json().get("field").asString()).isEqualTo("retention.msec");
            assertThat(r.json().get("detail").asString()).contains("unknown field 'retention.msec'").contains("retention.ms");
        }
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badValues")
    void refusesABadValueNamingTheSettingAndChangesNothing(String name, Object value, String message) throws Exception {
        String topic = newTopic();
        Map<String, Object> change = new HashMap<>();
        change.put("compression.type", "zstd");
        change.put(name, value);

        Api.Response r = admin.patch("/topics/" + topic + "/settings", change);

        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.json().get("field").asString()).isEqualTo(name);
        assertThat(r.json().get("detail").asString()).contains(message);
        // the good value beside it was not applied either
        assertThat(kafkaConfig(topic).get("compression.type").source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(admin.get("/audit?objectType=topic&objectId=" + topic).json().valueStream()
                .map(a -> a.get("action").asString())).doesNotContain("update-settings");
    }

    @Test
    void anEmptyChangeOrABodyThatIsNoObjectIsRefused() {
        String topic = newTopic();
        Api.Response empty = admin.patch("/topics/" + topic + "/settings", Map.of());
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.json().get("field").asString()).isEqualTo("settings");
        Api.Response list = admin.patch("/topics/" + topic + "/settings", List.of("cleanup.policy"));
        assertThat(list.status()).isEqualTo(422);
        assertThat(list.json().get("field").asString()).isEqualTo("settings");
    }

    @Test
    void kafkasOwnRefusalIsA422NamingTheFieldNeverA500() throws Exception {
        // given: the topic was deleted in Kafka behind Herald's back
        String topic = newTopic();
        kafka.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(60)).until(() -> !kafka.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic));

        // when: a valid change is asked
        Api.Response r = admin.patch("/topics/" + topic + "/settings", Map.of("cleanup.policy", "compact"));

        // then: Kafka's refusal is answered as such, and the catalog is unchanged
        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.json().get("field").asString()).isEqualTo("name");
        assertThat(r.json().get("detail").asString()).contains("Kafka refused").contains("missing in Kafka");
        JsonNode view = admin.get("/topics/" + topic + "/settings").json();
        assertThat(view.get("exists").asBoolean()).isFalse();
        assertThat(setting(view, "cleanup.policy").has("catalogValue")).isFalse();
    }

    @Test
    void aChangeMadeOutsideHeraldIsShownAsDrift() throws Exception {
        // given: Herald set retention.bytes
        String topic = newTopic();
        assertThat(admin.patch("/topics/" + topic + "/settings", Map.of("retention.bytes", 10485760)).status()).isEqualTo(200);

        // when: someone uses kafka-configs (here: the Admin API) on three settings
        alterOutOfBand(topic, Map.of("retention.ms", "7200000", "retention.bytes", "20971520", "compression.type", "gzip"));

        // then: the settings and the topic's Kafka panel name them
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode view = admin.get("/topics/" + topic + "/settings").json();
            assertThat(view.get("drift").valueStream().map(JsonNode::asString).toList())
                    .containsExactlyInAnyOrder("retention.ms", "retention.bytes", "compression.type");
            assertThat(setting(view, "retention.bytes").get("catalogValue").asString()).isEqualTo("10485760");
            assertThat(setting(view, "retention.bytes").get("value").asString()).isEqualTo("20971520");
            assertThat(setting(view, "retention.bytes").get("drift").asBoolean()).isTrue();
            assertThat(setting(view, "cleanup.policy").get("drift").asBoolean()).isFalse();
        });

        // and: editing the setting through Herald again brings Kafka back in line
        assertThat(admin.patch("/topics/" + topic + "/settings", Map.of("retention.bytes", 10485760, "retention.ms", 7200000,
                "compression.type", "gzip")).json().get("drift")).isEmpty();
    }

    @Test
    void settingsGivenOnCreateAndAdoptAreAppliedWhenTheTopicIsProvisioned() throws Exception {
        String app = unique("app");
        assertThat(admin.post("/apps", Map.of("name", app)).status()).isEqualTo(201);

        // created with settings
        String created = unique("created");
        Api.Response r = admin.post("/topics", Map.of("name", created, "app", app, "partitions", 1, "replicationFactor", 1,
                "settings", Map.of("cleanup.policy", "compact", "max.message.bytes", 524288)));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(kafkaConfig(created).get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(kafkaConfig(created).get("max.message.bytes").value()).isEqualTo("524288");
        JsonNode view = admin.get("/topics/" + created + "/settings").json();
        assertThat(setting(view, "cleanup.policy").get("catalogValue").asString()).isEqualTo("compact");
        assertThat(view.get("drift")).isEmpty();

        // adopted with settings: Kafka's topic takes them
        String adopted = unique("adopted");
        kafka.createTopics(List.of(new NewTopic(adopted, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        Api.Response a = admin.post("/topics", Map.of("name", adopted, "app", app, "adopt", true,
                "settings", Map.of("compression.type", "lz4")));
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(kafkaConfig(adopted).get("compression.type").value()).isEqualTo("lz4"));

        // a bad setting on create names it, and nothing is created
        String refused = unique("refused");
        Api.Response bad = admin.post("/topics", Map.of("name", refused, "app", app, "partitions", 1, "replicationFactor", 1,
                "settings", Map.of("min.insync.replicas", 3)));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().get("field").asString()).isEqualTo("settings.min.insync.replicas");
        assertThat(admin.get("/topics/" + refused).status()).isEqualTo(404);
        assertThat(kafka.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(refused);

        // settings do not travel through the topic's own PATCH, where they would be ignored
        Api.Response wrongPlace = admin.patch("/topics/" + created, Map.of("settings", Map.of("cleanup.policy", "delete")));
        assertThat(wrongPlace.status()).isEqualTo(422);
        assertThat(wrongPlace.json().get("field").asString()).isEqualTo("settings");
    }
}
