package io.herald.server.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class KafkaProvisioningIT extends ServerTest {

    private static Admin kafka;

    @BeforeAll
    static void kafkaAdmin() {
        kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap()));
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    private String newApp() {
        String app = unique("prov");
        admin.post("/apps", Map.of("name", app));
        return app;
    }

    @Test
    void createdTopicExistsInKafkaWithAskedPartitionsAndRetention() throws Exception {
        String app = newApp();
        String topic = unique("kt");
        Api.Response r = admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 5, "replicationFactor", 1,
                "retentionMs", 7_200_000));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);

        TopicDescription d = kafka.describeTopics(List.of(topic)).topicNameValues().get(topic).get();
        assertThat(d.partitions()).hasSize(5);
        ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        String retention = kafka.describeConfigs(List.of(res)).all().get().get(res).get("retention.ms").value();
        assertThat(retention).isEqualTo("7200000");

        admin.patch("/topics/" + topic, Map.of("retentionMs", 3_600_000, "partitions", 6));
        assertThat(kafka.describeTopics(List.of(topic)).topicNameValues().get(topic).get().partitions()).hasSize(6);
        assertThat(kafka.describeConfigs(List.of(res)).all().get().get(res).get("retention.ms").value()).isEqualTo("3600000");

        assertThat(admin.delete("/topics/" + topic).status()).isEqualTo(204);
        assertThat(kafka.listTopics().names().get()).doesNotContain(topic);
    }

    @Test
    void bindingProvisionsItsDeadLetterTopic() throws Exception {
        String app = newApp();
        String topic = unique("dl");
        String group = unique("billing");
        admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 2, "replicationFactor", 1));
        Api.Response b = admin.post("/bindings", Map.of("app", app, "group", group, "topic", topic, "kind", "FANOUT"));
        assertThat(b.status()).as(b.toString()).isEqualTo(201);
        String dlt = b.json().get("deadLetterTopic").asString();
        assertThat(dlt).isEqualTo(topic + "." + group + ".dlt");
        assertThat(kafka.describeTopics(List.of(dlt)).topicNameValues().get(dlt).get().partitions()).hasSize(2);
    }

    @Test
    void existingKafkaTopicIsAdoptedOnlyWhenAsked() throws Exception {
        String app = newApp();
        String topic = unique("legacy");
        kafka.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();

        Api.Response refused = admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asString()).contains("adopt");
        assertThat(admin.get("/topics/" + topic).status()).isEqualTo(404);

        Api.Response adopted = admin.post("/topics", Map.of("name", topic, "app", app, "adopt", true));
        assertThat(adopted.status()).as(adopted.toString()).isEqualTo(201);
        assertThat(adopted.json().get("partitions").asInt()).isEqualTo(4);
        assertThat(admin.get("/audit?objectType=topic&objectId=" + topic).json().at("/0/action").asString()).isEqualTo("adopt");
    }

    @Test
    void adoptingATopicWithFewerPartitionsThanAskedGrowsItAndMoreIsRefused() throws Exception {
        String app = newApp();
        String early = unique("early");
        // what a broker that auto-creates topics leaves behind when a client asked for the topic first
        kafka.createTopics(List.of(new NewTopic(early, 1, (short) 1))).all().get();
        Api.Response grown = admin.post("/topics", Map.of("name", early, "app", app, "partitions", 6, "adopt", true));
        assertThat(grown.status()).as(grown.toString()).isEqualTo(201);
        assertThat(grown.json().get("partitions").asInt()).isEqualTo(6);
        assertThat(kafka.describeTopics(List.of(early)).topicNameValues().get(early).get().partitions()).hasSize(6);

        String wide = unique("wide");
        kafka.createTopics(List.of(new NewTopic(wide, 4, (short) 1))).all().get();
        Api.Response refused = admin.post("/topics", Map.of("name", wide, "app", app, "partitions", 2, "adopt", true));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.json().get("field").asString()).isEqualTo("partitions");
        assertThat(refused.json().get("detail").asString()).contains("4 partitions").contains("2 asked");
        assertThat(admin.get("/topics/" + wide).status()).isEqualTo(404);
        assertThat(kafka.describeTopics(List.of(wide)).topicNameValues().get(wide).get().partitions()).hasSize(4);
    }

    @Test
    void showsDriftWhenKafkaWasChangedBehindHeraldsBack() throws Exception {
        String app = newApp();
        String topic = unique("drift");
        admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 2, "replicationFactor", 1));
        kafka.createPartitions(Map.of(topic, NewPartitions.increaseTo(3))).all().get();

        JsonNode view = admin.get("/topics/" + topic).json();
        assertThat(view.get("partitions").asInt()).isEqualTo(2);
        assertThat(view.at("/kafka/partitions").asInt()).isEqualTo(3);
        assertThat(view.at("/kafka/drift/0").asString()).isEqualTo("partitions");
    }

    @Test
    void replicationFactorAboveBrokerCountIsRefusedBeforeKafkaIsTouched() throws Exception {
        String app = newApp();
        String topic = unique("rf");
        Api.Response r = admin.post("/topics", Map.of("name", topic, "app", app, "replicationFactor", 2));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("field").asString()).isEqualTo("replicationFactor");
        assertThat(r.json().get("detail").asString()).contains("brokers (1)");
        assertThat(kafka.listTopics().names().get()).doesNotContain(topic);
    }
}
