package io.herald.server.contract;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.herald.server.support.Api;
import io.herald.server.support.BrowserTest;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Swagger UI is one click from the console's navigation; app and topic pages download their AsyncAPI. */
class ContractsBrowserIT extends BrowserTest {

    @Test
    void opensSwaggerUiFromTheNavigation() {
        page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Main"))
                .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("API docs")).click();

        page.waitForURL("**/swagger-ui/index.html");
        shot("swagger-ui");
        // Swagger UI's bundle is large: give a loaded machine time to render the document
        LocatorAssertions.IsVisibleOptions rendered = new LocatorAssertions.IsVisibleOptions().setTimeout(60_000);
        assertThat(page.getByText("Herald management API").first()).isVisible(rendered);
        assertThat(page.getByText("Publish events to a topic").first()).isVisible(rendered);
    }

    @Test
    void downloadsAsyncApiFromAppAndTopicPages() throws Exception {
        String app = unique("dl");
        admin.post("/apps", Map.of("name", app));
        String topic = unique("dl-topic");
        admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "created"))));

        page.navigate(baseUrl() + "/apps/" + app);
        JsonNode appDoc = download();
        page.navigate(baseUrl() + "/topics/" + topic);
        JsonNode topicDoc = download();

        assertThat(appDoc.get("asyncapi").asString()).isEqualTo("3.0.0");
        assertThat(appDoc.at("/channels/" + topic + "/address").asString()).isEqualTo(topic);
        assertThat(topicDoc.at("/components/messages/" + topic + ".created/name").asString()).isEqualTo("created");
    }

    private JsonNode download() throws Exception {
        Download d = page.waitForDownload(() -> page.getByRole(AriaRole.LINK,
                new Page.GetByRoleOptions().setName("Download AsyncAPI")).click());
        return Api.JSON.readTree(Files.readString(d.path()));
    }

    @Test
    void refusesABreakingSchemaChangeInlineAndShowsTheHistoryWithADiff() {
        String app = unique("sv");
        admin.post("/apps", Map.of("name", app));
        String topic = unique("sv-topic");
        admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "paid", "compatibility", "BACKWARD", "jsonSchema",
                        Map.of("type", "object", "properties", Map.of("orderId", Map.of("type", "string")))))));
        page.navigate(baseUrl() + "/topics/" + topic + "/types/paid/edit");
        assertThat(page.getByLabel("Compatibility of new schema versions")).hasValue("BACKWARD");

        page.getByLabel("JSON Schema").fill("{\"type\":\"object\",\"required\":[\"currency\"],"
                + "\"properties\":{\"orderId\":{\"type\":\"string\"},\"currency\":{\"type\":\"string\"}}}");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save type")).click();
        assertThat(page.locator(".field-error")).containsText("/currency: added as required");
        shot("schema-breaking-change");

        page.getByLabel("JSON Schema").fill("{\"type\":\"object\","
                + "\"properties\":{\"orderId\":{\"type\":\"string\"},\"currency\":{\"type\":\"string\"}}}");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save type")).click();
        page.waitForURL(baseUrl() + "/topics/" + topic);
        page.navigate(baseUrl() + "/topics/" + topic + "/types/paid/edit");

        Locator history = page.getByRole(AriaRole.TABLE, new Page.GetByRoleOptions().setName("Schema history"));
        assertThat(history.locator("tbody tr")).hasCount(2);
        assertThat(history.locator("tbody tr").first()).containsText("properties.currency.type");
        assertThat(history.locator("tbody tr").first()).containsText("admin");
        assertThat(page.getByText("schema version 2")).isVisible();
        shot("schema-history");
    }

    @Test
    void aTypeAddedInTheConsoleTakesTheCompatibilityModeChosenInItsForm() {
        String app = unique("sm");
        admin.post("/apps", Map.of("name", app));
        String topic = unique("sm-topic");
        admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1));
        page.navigate(baseUrl() + "/topics/" + topic);

        page.getByText("Add a message type").click();
        Locator form = page.locator("#type-form");
        form.getByLabel("Type name").fill("refunded");
        form.getByLabel("Compatibility of new schema versions").selectOption("FULL");
        form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add type")).click();
        assertThat(page.getByText("Type refunded added.")).isVisible();

        JsonNode types = admin.get("/topics/" + topic).json().get("types");
        JsonNode refunded = null;
        for (JsonNode t : types) {
            if ("refunded".equals(t.get("name").asString())) {
                refunded = t;
            }
        }
        assertThat(refunded).as("type refunded in %s", types).isNotNull();
        assertThat(refunded.get("compatibility").asString()).isEqualTo("FULL");
    }
}
