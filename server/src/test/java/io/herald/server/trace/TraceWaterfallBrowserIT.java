package io.herald.server.trace;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.herald.sdk.wire.Timepoint;
import io.herald.server.support.BrowserTest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * A message's trace page in a real browser draws its steps as a waterfall: a row for the producer and
 * one per consumer group, each step a bar placed by its offset from the send and as wide as it took; the
 * table of steps stays below, and a link opens the message's record in the message browser.
 */
class TraceWaterfallBrowserIT extends BrowserTest {

    private static double pct(Locator bar, String attribute) {
        String v = bar.getAttribute(attribute);
        return Double.parseDouble(v.substring(0, v.length() - 1));
    }

    @Test
    void drawsABarPerStepInARowPerGroupAndLinksToTheMessageInTheBrowser() throws Exception {
        // given: a record on a topic, traced through two consumer groups (one failed once, then handled it)
        String app = unique("shop");
        assertThat(admin.post("/apps", Map.of("name", app)).status()).isEqualTo(201);
        String topic = unique("orders");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1)).status())
                .isEqualTo(201);
        String id = unique("m");
        RecordMetadata m = TraceFixtures.producer().send(new ProducerRecord<>(topic, 0, "k", "{\"order\":1}"))
                .get(60, TimeUnit.SECONDS);
        long t0 = System.currentTimeMillis() - 10_000;
        String fast = "billing-" + id;
        String slow = "shipping-" + id;
        TraceFixtures.ship(
                new Timepoint(id, Timepoint.SENT, t0 + 10, topic, "order.created", "k", app, null, "p-1", m.partition(), m.offset(),
                        t0 + 10, 10L, null, null, null, null),
                new Timepoint(id, Timepoint.RECEIVED, t0 + 30, topic, "order.created", "k", app, fast, "c-1", m.partition(),
                        m.offset(), t0 + 10, null, 1, null, null, null),
                new Timepoint(id, Timepoint.HANDLED, t0 + 70, topic, "order.created", "k", app, fast, "c-1", m.partition(),
                        m.offset(), t0 + 10, 40L, 1, null, null, null),
                new Timepoint(id, Timepoint.RECEIVED, t0 + 50, topic, "order.created", "k", app, slow, "c-2", m.partition(),
                        m.offset(), t0 + 10, null, 1, null, null, null),
                new Timepoint(id, Timepoint.FAILED, t0 + 110, topic, "order.created", "k", app, slow, "c-2", m.partition(),
                        m.offset(), t0 + 10, 60L, 1, "timeout calling the carrier", null, null),
                new Timepoint(id, Timepoint.RECEIVED, t0 + 200, topic, "order.created", "k", app, slow, "c-2", m.partition(),
                        m.offset(), t0 + 10, null, 2, null, null, null),
                new Timepoint(id, Timepoint.HANDLED, t0 + 410, topic, "order.created", "k", app, slow, "c-2", m.partition(),
                        m.offset(), t0 + 10, 200L, 2, null, null, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/messages/" + id + "/trace").json().path("timeline").size() == 7);

        // when
        page.navigate(baseUrl() + "/traces/messages/" + id);

        // then: one row for the producer and one per group, with a bar per step
        Locator rows = page.locator("#waterfall .wf-row");
        assertThat(rows).hasCount(3);
        assertThat(rows.nth(0).locator(".wf-label")).hasText("producer · " + app);
        Locator billing = page.locator("#waterfall .wf-row[data-group='" + fast + "']");
        Locator shipping = page.locator("#waterfall .wf-row[data-group='" + slow + "']");
        assertThat(billing.locator("rect.wf-bar")).hasCount(2);
        assertThat(shipping.locator("rect.wf-bar")).hasCount(4);
        assertThat(shipping.locator("rect.wf-failed title")).hasText("FAILED at +110 ms, took 60 ms, attempt 1: timeout calling the carrier");

        // bars are placed by their start on a 410 ms axis (the send began at t0) and are as wide as the step took
        Locator sent = rows.nth(0).locator("rect.wf-sent");
        Locator billingHandled = billing.locator("rect.wf-handled");
        Locator shippingHandled = shipping.locator("rect.wf-handled");
        assertThat(pct(sent, "x")).isEqualTo(0.0);
        assertThat(pct(sent, "width")).isCloseTo(10 * 100.0 / 410, org.assertj.core.data.Offset.offset(0.05));
        assertThat(pct(billingHandled, "x")).isCloseTo(30 * 100.0 / 410, org.assertj.core.data.Offset.offset(0.05));
        assertThat(pct(billingHandled, "width")).isCloseTo(40 * 100.0 / 410, org.assertj.core.data.Offset.offset(0.05));
        assertThat(pct(shippingHandled, "x")).isCloseTo(210 * 100.0 / 410, org.assertj.core.data.Offset.offset(0.05));
        assertThat(pct(shippingHandled, "x") + pct(shippingHandled, "width")).isCloseTo(100.0, org.assertj.core.data.Offset.offset(0.05));
        assertThat(page.locator("#waterfall-panel")).containsText("410 ms from the send to the last step");
        // and the table of steps is still there, below
        assertThat(page.locator("#timeline tbody tr")).hasCount(7);
        assertThat(page.locator("#waterfall-panel ~ .panel #timeline")).hasCount(1);
        shot("trace-waterfall");

        // when: the link to the message is followed
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Open in message browser")).click();

        // then: the message browser opens at that topic, partition and offset
        page.waitForURL(url -> url.contains("/topics/" + topic + "/messages?"));
        assertThat(page.url()).contains("mode=offset").contains("partition=" + m.partition()).contains("offset=" + m.offset());
        assertThat(page.locator("#offset")).hasValue(Long.toString(m.offset()));
        assertThat(page.getByText("p" + m.partition() + " · #" + m.offset())).isVisible();
        assertThat(consoleProblems).isEmpty();
    }
}
