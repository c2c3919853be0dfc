package io.herald.server.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.herald.server.support.BrowserTest;
import io.herald.server.support.TestInfra;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * A topic's Kafka settings on its page in a real browser: a value the topic cannot take is refused beside
 * its field with the API's words and nothing changes; a good one is applied in Kafka and shown as set on
 * the topic; a change made outside Herald shows as drift.
 */
class TopicSettingsBrowserIT extends BrowserTest {

    @Test
    void aBadSettingIsRefusedInlineAGoodOneIsAppliedAndAChangeOutsideHeraldShowsAsDrift() throws Exception {
        // given: a topic with one replica
        String app = unique("shop");
        assertThat(admin.post("/apps", Map.of("name", app)).status()).isEqualTo(201);
        String topic = unique("orders");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1)).status())
                .isEqualTo(201);
        page.navigate(baseUrl() + "/topics/" + topic);
        assertThat(page.locator("#setting-cleanup-policy")).containsText("default");
        assertThat(page.locator("#settings-all summary")).containsText("Kafka configs of the topic");

        // when: more in-sync replicas than the topic has are asked
        page.getByLabel("min.insync.replicas").fill("3");
        page.getByLabel("compression.type").selectOption("zstd");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save settings")).click();

        // then: the refusal stands beside the field, what was typed stays, and nothing reached Kafka
        assertThat(page.locator("#err-min-insync-replicas")).containsText("replication factor (1)");
        assertThat(page.getByLabel("min.insync.replicas")).hasValue("3");
        assertThat(page.getByLabel("compression.type")).hasValue("zstd");
        assertThat(admin.get("/topics/" + topic + "/settings").json().at("/settings/5/isDefault").asBoolean()).isTrue();
        shot("settings-01-refused-inline");

        // when: a value the topic takes
        page.getByLabel("min.insync.replicas").fill("1");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save settings")).click();

        // then: saved, shown as set on the topic, and in Kafka
        assertThat(page.locator("#topic-settings")).containsText("Settings saved: min.insync.replicas, compression.type.");
        assertThat(page.locator("#err-min-insync-replicas")).hasCount(0);
        assertThat(page.locator("#setting-compression-type")).containsText("set on topic");
        assertThat(page.locator("#setting-compression-type")).containsText("zstd");
        var settings = admin.get("/topics/" + topic + "/settings").json();
        assertThat(settings.at("/settings/5/name").asString()).isEqualTo("compression.type");
        assertThat(settings.at("/settings/5/value").asString()).isEqualTo("zstd");
        shot("settings-02-saved");

        // when: someone changes the retention with kafka-configs
        try (Admin kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            kafka.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("retention.ms", "7200000"), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/topics/" + topic + "/settings").json().get("drift").size() == 1);

        // then: the topic page names the drift
        page.reload();
        assertThat(page.locator("#settings-drift")).containsText("retention.ms");
        assertThat(page.locator("#setting-retention-ms")).containsText("drift");
        shot("settings-03-drift");

        // the browser notes the refused submission's 422 answer as a failed load; nothing else may be there
        assertThat(consoleProblems).allMatch(p -> p.contains("Failed to load resource: the server responded with a status of 422"));
    }
}
