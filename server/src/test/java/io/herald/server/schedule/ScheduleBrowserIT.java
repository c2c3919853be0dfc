package io.herald.server.schedule;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.herald.server.support.Chromium;
import io.herald.server.support.BrowserTest;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Schedules in a real browser (Debian's Chromium through Playwright-Java): create one in the form,
 * correct an error shown beside its field, and see its next fire times. Screenshots land in
 * {@code target/screenshots/}.
 */
class ScheduleBrowserIT extends BrowserTest {

    @Test
    void createAScheduleInTheFormFixTheCronItRefusedAndSeeItsNextFireTimes() {
        // given: an app with a topic that declares the event's type, with a JSON Schema
        String app = unique("clock");
        admin.post("/apps", Map.of("name", app));
        String topic = unique("reports");
        admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "report.due", "jsonSchema",
                        "{\"type\":\"object\",\"required\":[\"report\"]}"))));
        String name = unique("weekday report");

        // when: the form is filled in with a cron expression Spring cannot read
        page.navigate(baseUrl() + "/schedules");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("New schedule")).click();
        page.waitForURL(baseUrl() + "/schedules/new");
        page.getByLabel("App").selectOption(app);
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill(name);
        page.getByLabel("Cron expression").check();
        page.getByLabel("Cron (second minute hour day month weekday)").fill("at eight every weekday");
        page.getByLabel("Time zone").fill("Europe/Berlin");
        page.getByLabel("Topic").fill(topic);
        page.getByLabel("Type", new Page.GetByLabelOptions().setExact(true)).fill("report.due");
        page.getByLabel("Payload").fill("{\"report\": \"sales <daily>\"}");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create schedule")).click();

        // then: the error shows beside the cron field, which is scrolled to and focused, and what was typed stays
        assertThat(page.locator("#err-cron")).containsText("not a valid cron expression");
        Locator cron = page.getByLabel("Cron (second minute hour day month weekday)");
        assertThat(cron).isFocused();
        assertThat(cron).isInViewport();
        assertThat(page.getByLabel("Topic")).hasValue(topic);
        shot("schedule-01-cron-refused");

        // when: the cron expression is corrected
        page.getByLabel("Cron (second minute hour day month weekday)").fill("0 0 8 * * MON-FRI");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create schedule")).click();

        // then: the schedule's page shows it with its coming ticks (08:00 Berlin is 07:00 UTC in winter, 06:00 in summer)
        page.waitForURL(Pattern.compile(".*/schedules/\\d+$"));
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName(name))).isVisible();
        assertThat(page.getByText("Schedule created.")).isVisible();
        assertThat(page.locator("ol li")).hasCount(5);
        assertThat(page.locator("ol li").first()).hasText(Pattern.compile(".* 0[67]:00:00.*"));
        assertThat(page.locator("pre.payload")).containsText("sales <daily>");
        shot("schedule-02-created");

        // and: editing it to a fixed rate shows the new next fire times
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Edit")).click();
        page.getByLabel("Fixed rate").check();
        page.getByLabel("Every", new Page.GetByLabelOptions().setExact(true)).fill("1h");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save schedule")).click();
        page.waitForURL(Pattern.compile(".*/schedules/\\d+$"));
        assertThat(page.getByText("every 1 h")).isVisible();
        assertThat(page.locator("ol li")).hasCount(5);
        var saved = admin.get("/schedules?app=" + app).json().get(0);
        assertThat(saved.get("fixedRateMillis").asLong()).isEqualTo(3_600_000);
        assertThat(saved.has("cron")).isFalse();
        shot("schedule-03-edited");

        // and: an editor deletes it from its page; it is gone, audited
        long id = saved.get("id").asLong();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete")).click();
        page.waitForURL(baseUrl() + "/schedules");
        assertThat(page.getByText("Schedule '" + name + "' deleted")).isVisible();
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(name))).hasCount(0);
        assertThat(admin.get("/schedules/" + id).status()).isEqualTo(404);
        assertThat(admin.get("/audit?objectType=schedule&objectId=" + id).json().toString()).contains("delete");
        // the browser notes the refused form's 422 answer as a failed load; nothing else may be there
        assertThat(consoleProblems).allMatch(p -> p.contains("/schedules/new: Failed to load resource: the server responded with a status of 422"));
    }
}
