package io.herald.server.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.herald.server.search.SearchFixtures;
import io.herald.server.support.BrowserTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The message browser's payload search, live tail, JSON Lines download and trace link in a real browser.
 */
class MessageSearchBrowserIT extends BrowserTest {

    /** Waits for what a poll brings: a machine under load may take seconds for one. */
    private static final LocatorAssertions.HasAttributeOptions POLLED = new LocatorAssertions.HasAttributeOptions().setTimeout(60_000);
    private static final LocatorAssertions.HasCountOptions COUNTED = new LocatorAssertions.HasCountOptions().setTimeout(60_000);

    private String topic() {
        String app = unique("shop");
        assertThat(admin.post("/apps", Map.of("name", app)).status()).isEqualTo(201);
        String topic = unique("orders");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 2, "replicationFactor", 1,
                "types", List.of(Map.of("name", "order.created")))).status()).isEqualTo(201);
        return topic;
    }

    @Test
    void searchShowsHitsAndProgressAndTheHitsDownloadAsJsonLines() throws Exception {
        // given: 400 orders, four of them for customer c-42
        String topic = topic();
        SearchFixtures.bulk(topic, 2, 400, "order.created", i -> "{\"order\":{\"id\":\"o-" + i + "\",\"customer\":\""
                + (i % 100 == 7 ? "c-42" : "c-" + (1000 + i)) + "\"}}");

        // when: the user searches the payloads for a JSON field
        page.navigate(baseUrl() + "/topics/" + topic + "/messages");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Search payloads")).click();
        page.waitForURL(baseUrl() + "/topics/" + topic + "/messages/search");
        page.getByLabel("or JSON field").fill("$.order.customer");
        page.getByLabel("equals").fill("c-42");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();

        // then: the progress reaches the whole range, and the four hits are listed as they were found
        assertThat(page.locator("#search-progress")).hasAttribute("data-state", "ended", POLLED);
        assertThat(page.locator("#search-scanned")).hasText("400 of 400 records read");
        assertThat(page.locator("#search-bar")).hasAttribute("value", "100");
        assertThat(page.locator("#search-hits article.msg")).hasCount(4);
        assertThat(page.locator("#search-hits")).containsText("o-107");
        assertThat(page.locator("#search-stop")).hasCount(0);
        shot("search-01-hits");

        // and: the hits download as JSON Lines
        Download download = page.waitForDownload(() -> page.locator("#search-download").click());
        List<String> lines = Files.readAllLines(download.path(), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(4).allMatch(l -> l.contains("c-42") && l.contains("\"topic\":\"" + topic + "\""));
        assertThat(download.suggestedFilename()).endsWith(".jsonl");
    }

    @Test
    void stopEndsALongSearchAndSaysSo() {
        String topic = topic();
        SearchFixtures.bulk(topic, 2, 40_000, "order.created", i -> "{\"n\":" + i + ",\"pad\":\"..............................\"}");

        page.navigate(baseUrl() + "/topics/" + topic + "/messages/search");
        page.getByLabel("Payload contains").fill("never-in-there");
        page.getByLabel("Read at most").fill("1000000");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
        page.locator("#search-stop").click(new com.microsoft.playwright.Locator.ClickOptions().setTimeout(60_000));

        assertThat(page.locator("#search-progress")).hasAttribute("data-state", "ended", POLLED);
        assertThat(page.locator("#search-ended")).containsText("stopped");
        assertThat(page.locator("#search-scanned")).not().hasText("40,000 of 40,000 records read");
        shot("search-02-stopped");
    }

    @Test
    void liveTailShowsANewlySentMessageAndPausesAndEachMessageLinksToItsTrace() throws Exception {
        String topic = topic();
        SearchFixtures.send(topic, 0, System.currentTimeMillis(), "k-first", "order.created", "{\"v\":\"first-one\"}");

        page.navigate(baseUrl() + "/topics/" + topic + "/messages");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Live tail")).click();
        page.waitForURL(baseUrl() + "/topics/" + topic + "/messages/tail");
        assertThat(page.locator("#tail-list article.msg")).hasCount(1);

        // when: a message is sent while the page follows; then: it appears at the top
        SearchFixtures.send(topic, 1, System.currentTimeMillis(), "k-second", "order.created", "{\"v\":\"second-one\"}");
        assertThat(page.locator("#tail-list article.msg")).hasCount(2, COUNTED);
        assertThat(page.locator("#tail-list article.msg").first()).containsText("second-one");
        shot("tail-01-following");

        // when: paused, a message sent is not shown; resumed, it is
        page.locator("#tail-toggle").click();
        assertThat(page.locator("#tail-control")).hasAttribute("data-state", "paused", POLLED);
        SearchFixtures.send(topic, 0, System.currentTimeMillis(), "k-third", "order.created", "{\"v\":\"third-one\"}");
        page.waitForTimeout(2500); // longer than a poll interval: a poll in that time would have shown it
        assertThat(page.locator("#tail-list article.msg")).hasCount(2);
        shot("tail-02-paused");
        page.locator("#tail-toggle").click();
        assertThat(page.locator("#tail-control")).hasAttribute("data-state", "following", POLLED);
        assertThat(page.locator("#tail-list article.msg")).hasCount(3, COUNTED);
        assertThat(page.locator("#tail-list article.msg").first()).containsText("third-one");

        // and: a message links to its trace page
        String href = page.locator("#tail-list article.msg").first().locator("a.trace-link").getAttribute("href");
        assertThat(href).startsWith("/traces/messages/id-k-third-");
        page.locator("#tail-list article.msg").first().locator("a.trace-link").click();
        page.waitForURL(url -> url.contains("/traces/messages/id-k-third-"));
    }

    @Test
    void theShownMessagesDownloadAsJsonLines() throws Exception {
        String topic = topic();
        SearchFixtures.send(topic, 0, System.currentTimeMillis(), "k-a", "order.created", "{\"v\":\"alpha\"}");
        SearchFixtures.send(topic, 1, System.currentTimeMillis(), "k-b", "order.created", "{\"v\":\"beta\"}");

        page.navigate(baseUrl() + "/topics/" + topic + "/messages");
        Download download = page.waitForDownload(() -> page.locator("#export-shown").click());

        List<String> lines = Files.readAllLines(download.path(), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2);
        assertThat(String.join("\n", lines)).contains("\"key\":\"k-a\"").contains("\"key\":\"k-b\"").contains("alpha")
                .contains("beta").contains("\"headers\":[").contains("ce_type");
    }
}
