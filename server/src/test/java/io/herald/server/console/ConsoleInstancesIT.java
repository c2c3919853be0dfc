package io.herald.server.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.options.AriaRole;
import io.herald.server.support.Api;
import io.herald.server.support.BrowserTest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * SDK instances in a real browser: the dashboard counts online instances only (online meaning a
 * heartbeat within {@code herald.push.stale-after}, 45 s in the test server, not a fixed minute), its
 * stale badge leads to the stale filter of the instances page, which lists online instances by default.
 */
class ConsoleInstancesIT extends BrowserTest {

    @Autowired
    JdbcTemplate jdbc;

    private long onlineInDatabase() {
        return jdbc.queryForObject("SELECT count(*) FROM client_instance WHERE last_seen >= now() - make_interval(secs => ?)",
                Long.class, STALE_AFTER_SECONDS);
    }

    private long dashboardOnline() {
        page.navigate(baseUrl() + "/");
        return Long.parseLong(page.locator("#instances-online .n").textContent().strip());
    }

    @Test
    void dashboardCountsOnlineInstancesAndTheStaleFilterShowsTheRest() {
        // given an app with two instances sending heartbeats and one silent for 50 s (online under a
        // hard-coded minute, stale under the server's 45 s)
        String app = unique("inst");
        String key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        for (String id : new String[] {"live-1", "live-2"}) {
            Api.Response hb = admin.as(key).post("/clients/heartbeat", Map.of("app", app, "instanceId", id, "host", "h-" + id,
                    "sdkVersion", "1.0", "appliedConfigVersion", 1));
            assertThat(hb.status()).as(hb.toString()).isEqualTo(204);
        }
        jdbc.update("INSERT INTO client_instance (app_id, instance_id, host, sdk_version, applied_version, last_seen)"
                        + " SELECT id, 'silent-1', 'h-silent', '1.0', 1, ? FROM app WHERE name = ?",
                Timestamp.from(Instant.now().minusSeconds(50)), app);

        // then the dashboard's count is the online instances (other tests' instances included)
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            long atLeast = onlineInDatabase();
            long shown = dashboardOnline();
            long atMost = onlineInDatabase();
            assertThat(shown).isBetween(Math.min(atLeast, atMost), Math.max(atLeast, atMost));
        });
        Locator staleBadge = page.locator("#stale-instances");
        assertThat(staleBadge).containsText("stale (no heartbeat for 45 s)");

        // the instances page lists online instances by default
        page.navigate(baseUrl() + "/apps/" + app + "/instances");
        Locator rows = page.locator("#instances tbody tr");
        assertThat(rows).hasCount(2);
        assertThat(page.locator("#instances tbody")).containsText("live-1");
        assertThat(page.locator("#instances tbody")).not().containsText("silent-1");
        assertThat(page.locator("#instance-counts")).containsText("2 online");
        assertThat(page.locator("#instance-counts")).containsText("1 stale");
        assertThat(page.locator("#stale-after")).hasText("45 s");

        // the filter shows the stale one, then all
        page.getByLabel("Show").selectOption("stale");
        page.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Page.GetByRoleOptions().setName("Filter")).click();
        page.waitForURL(u -> u.contains("status=stale"));
        assertThat(rows).hasCount(1);
        assertThat(rows.first()).containsText("silent-1");
        assertThat(rows.first()).containsText("stale");
        page.getByLabel("Show").selectOption("all");
        page.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Page.GetByRoleOptions().setName("Filter")).click();
        page.waitForURL(u -> u.contains("status=all"));
        assertThat(rows).hasCount(3);

        // the dashboard's stale badge leads to the stale filter of every app
        page.navigate(baseUrl() + "/");
        page.locator("#stale-instances").click();
        page.waitForURL(u -> u.contains("/instances?status=stale"));
        assertThat(page.locator("#instances tbody")).containsText("silent-1");
        assertThat(page.locator("#instances tbody")).not().containsText("live-1");
        // the app's page counts the same way
        page.navigate(baseUrl() + "/apps/" + app);
        assertThat(page.locator("main")).containsText("2 online");
        assertThat(page.locator("main")).containsText("1 stale");
        assertThat(consoleProblems).isEmpty();
    }
}
