package io.herald.server.cluster;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.herald.server.support.Api;
import io.herald.server.support.BrowserTest;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * Consumer groups and the cluster page in a real browser (Debian's Chromium through Playwright-Java):
 * a group that consumed is listed with its lag, its page shows members and lag per partition; a reset
 * is refused with a message pointing to Replay while a consumer runs, and works once it left; an empty
 * group is deleted; the cluster page shows the broker and its configuration.
 */
class ConsumerGroupsBrowserIT extends BrowserTest {

    private static final LocatorAssertions.ContainsTextOptions SLOW = new LocatorAssertions.ContainsTextOptions().setTimeout(60_000);

    private String topic() {
        String app = unique("cgba");
        assertThat(admin.post("/apps", Map.of("name", app)).status()).isEqualTo(201);
        String topic = unique("cgbt");
        Api.Response t = admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1));
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        return topic;
    }

    @Test
    void aGroupThatConsumedIsListedWithItsLagAndItsResetIsRefusedWhileAConsumerRunsThenWorks() {
        // given: a running consumer of the group read 1 of 4 records and committed
        String topic = topic();
        GroupFixtures.produce(topic, 4);
        String group = unique("cgb");
        KafkaConsumer<String, String> consumer = GroupFixtures.consumer(group, topic, 1);
        try {
            // when: the operator opens Consumer groups from the navigation and searches for it
            page.getByRole(AriaRole.NAVIGATION).getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Consumer groups")).click();
            page.waitForURL(baseUrl() + "/consumer-groups");
            page.getByLabel("Search").fill(group);
            Locator row = page.locator("tr[data-group='" + group + "']");
            // then: listed with its lag on the topic
            assertThat(row.locator(".group-topic-lag[data-topic='" + topic + "']")).containsText("3", SLOW);
            assertThat(row).containsText("foreign");
            shot("consumer-groups-list");

            // when: the group's page is opened
            row.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(group)).click();
            // then: its member and the lag per partition
            Locator partition = page.locator("#group-partitions tr[data-topic='" + topic + "'][data-partition='0']");
            assertThat(partition.locator(".committed")).hasText("1");
            assertThat(partition.locator(".lag")).hasText("3");
            assertThat(page.locator("#group-members")).containsText("client-" + group);
            shot("consumer-group-detail");

            // when: a reset to earliest while the consumer runs
            page.getByLabel("Topic").fill(topic);
            page.getByLabel("Reset to").selectOption("EARLIEST");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Reset offsets")).click();
            // then: refused in place, pointing to Replay; nothing moved
            assertThat(page.locator("#group-reset-conflict")).containsText("1 active member");
            assertThat(page.locator("#group-reset-conflict").getByRole(AriaRole.LINK,
                    new Locator.GetByRoleOptions().setName("Replay to this group instead"))).isVisible();
            shot("consumer-group-reset-refused");
            assertThat(GroupFixtures.offsets(group, topic)).containsEntry(0, 1L);
        } finally {
            GroupFixtures.leave(consumer);
        }

        // when: the consumer left (the live panel shows it) and the reset is tried again
        assertThat(page.locator("#group-members-count")).containsText("0", SLOW);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Reset offsets")).click();
        // then: done, audited, and the page shows the new lag
        assertThat(page.locator(".alert.ok")).containsText("Reset group " + group + " on " + topic + " to EARLIEST: 1 partition moved.");
        assertThat(page.locator("#group-partitions tr[data-partition='0'] .lag")).hasText("4");
        assertThat(GroupFixtures.offsets(group, topic)).containsEntry(0, 0L);
        assertThat(admin.get("/audit?objectType=consumer-group&objectId=" + group).json().get(0).path("action").asString())
                .isEqualTo("reset-offsets");
        shot("consumer-group-reset-done");
    }

    @Test
    void anEmptyGroupIsDeletedFromItsPage() {
        String topic = topic();
        GroupFixtures.produce(topic, 2);
        String group = GroupFixtures.committed(topic, 1);

        page.navigate(baseUrl() + "/consumer-groups/" + group);
        assertThat(page.locator("#group-partitions tr[data-partition='0'] .lag")).hasText("1");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete group")).click();

        assertThat(page.locator(".alert.ok")).containsText("Deleted consumer group " + group + ".");
        page.waitForURL(baseUrl() + "/consumer-groups");
        assertThat(admin.get("/consumer-groups/" + group).status()).isEqualTo(404);
    }

    @Test
    void theClusterPageShowsTheBrokerAndItsConfiguration() {
        int id = GroupFixtures.brokerId();
        page.getByRole(AriaRole.NAVIGATION).getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Cluster")).click();
        page.waitForURL(baseUrl() + "/cluster");
        Locator broker = page.locator("#brokers tr[data-broker='" + id + "']");
        assertThat(broker).containsText(":");
        assertThat(page.locator("#cluster-version")).containsText("metadata.version");
        assertThat(page.locator("#cluster-offline")).hasText("0");
        shot("cluster");

        broker.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Broker " + id + " configuration")).click();
        assertThat(page.locator("#broker-configs tr[data-config='num.partitions']")).isVisible();
        shot("cluster-broker");
    }
}
