package io.herald.server.replay;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.herald.sdk.wire.Timepoint;
import io.herald.server.support.Chromium;
import io.herald.server.support.BrowserTest;
import io.herald.server.trace.TraceFixtures;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * Traces and replays in a real browser (Debian's Chromium through Playwright-Java): find a message by
 * its key, open its timeline, start a replay after its dry run and watch the progress bar reach 100%.
 * Screenshots land in {@code target/screenshots/}.
 */
class ReplayBrowserIT extends BrowserTest {

    private static final DateTimeFormatter INPUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    @Test
    void findAMessageByKeyOpenItsTimelineThenReplayAWindowAndWatchTheProgressReach100() throws Exception {
        // given: 20 records of an hour ago, traced as sent and handled by group A
        ReplayIT.Setup s = ReplayFixtures.setup(admin);
        long base = System.currentTimeMillis() - 3_600_000;
        String prefix = unique("b");
        List<RecordMetadata> sent = ReplayIT.produce(s.topic(), prefix, 20, base);
        List<Timepoint> tps = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            RecordMetadata m = sent.get(i);
            String id = prefix + "-" + i;
            String key = "customer-" + prefix + "-" + i;
            tps.add(new Timepoint(id, Timepoint.SENT, base + i * 1000L, s.topic(), i % 2 == 0 ? "x" : "y", key, s.appA(), null,
                    "i-1", m.partition(), m.offset(), m.timestamp(), 3L, null, null, null, null));
            tps.add(new Timepoint(id, Timepoint.RECEIVED, base + i * 1000L + 7, s.topic(), i % 2 == 0 ? "x" : "y", key, s.appA(),
                    s.groupA(), "i-2", m.partition(), m.offset(), null, null, 1, null, null, null));
            tps.add(new Timepoint(id, Timepoint.HANDLED, base + i * 1000L + 19, s.topic(), i % 2 == 0 ? "x" : "y", key, s.appA(),
                    s.groupA(), "i-2", m.partition(), m.offset(), null, 12L, 1, null, null, null));
        }
        TraceFixtures.ship(tps.toArray(Timepoint[]::new));
        String wanted = prefix + "-7";
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/messages/" + wanted + "/trace").json().path("timeline").size() == 3);

        // find it by key
        page.navigate(baseUrl() + "/traces");
        page.getByLabel("Key").fill("customer-" + prefix + "-7");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
        Locator result = page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(wanted));
        assertThat(result).isVisible();
        shot("traces-search");

        // open its timeline
        result.click();
        Locator timeline = page.locator("#timeline");
        assertThat(timeline).isVisible();
        assertThat(timeline.locator("tbody tr")).hasCount(3);
        assertThat(timeline).containsText("SENT");
        assertThat(timeline).containsText("HANDLED");
        assertThat(timeline).containsText("+7 ms");
        assertThat(page.locator("#groups")).containsText(s.groupA());
        assertThat(page.locator("#latency")).containsText("12 ms");
        assertThat(page.locator("#payload").textContent()).isEqualTo("{\n  \"n\" : 7\n}"); // pretty-printed like the message browser
        shot("trace-timeline");

        // replay a window of ten of them to group A, rate-capped so the bar moves
        page.navigate(baseUrl() + "/replays/new?topic=" + s.topic());
        page.getByLabel("From (UTC, included)").fill(INPUT.format(Instant.ofEpochMilli(base)));
        page.getByLabel("To (UTC, excluded)").fill(INPUT.format(Instant.ofEpochMilli(base + 10_000)));
        page.getByLabel("Consumer group", new Page.GetByLabelOptions().setExact(true)).fill(s.groupA());
        page.getByLabel("At most records per second").fill("4");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Dry run")).click();
        Locator plan = page.locator("#replay-plan");
        assertThat(plan).containsText("10 record(s) in the window, to herald.replay.");
        shot("replay-dry-run");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Start replay")).click();

        Locator progress = page.locator("#replay-progress");
        assertThat(progress).isVisible();
        String firstSeen = progress.getAttribute("value");
        shot("replay-running");
        assertThat(progress).hasAttribute("value", "100", new LocatorAssertions.HasAttributeOptions().setTimeout(60_000));
        assertThat(page.locator("#replay-state")).hasText("DONE");
        assertThat(page.locator("#replay-percent")).hasText("100%");
        shot("replay-done");
        System.out.printf("progress bar first at %s%%, then 100%%%n", firstSeen);
        assertThat(firstSeen).isNotEqualTo("100");
        // Start replay disables itself while it asks (before, htmx looked for a button inside the button and logged an error)
        assertThat(consoleProblems).isEmpty();
    }
}
