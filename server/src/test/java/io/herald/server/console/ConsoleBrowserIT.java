package io.herald.server.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Dialog;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.LoadState;
import com.microsoft.playwright.options.RequestOptions;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.server.security.ConsoleUsers;
import io.herald.server.support.Chromium;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The console in a real browser: Debian's Chromium driven by Playwright-Java. Screenshots of the
 * main pages land in {@code target/screenshots/}.
 */
class ConsoleBrowserIT extends ServerTest {

    private static final Path SCREENSHOTS = Chromium.SCREENSHOTS;
    private static final String EVIL = "<img src=x onerror=alert(1)>";
    private static final String PASSWORD = "browser-test-secret";

    @Autowired
    ConsoleUsers users;

    private BrowserContext context;
    private Page page;
    private final List<Dialog> dialogs = new CopyOnWriteArrayList<>();
    private final List<String> cspViolations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        context = Chromium.browser().newContext(new Browser.NewContextOptions().setViewportSize(1280, 860));
        context.setDefaultTimeout(30_000);
        page = context.newPage();
        page.onDialog(d -> {
            dialogs.add(d);
            d.accept();
        });
        Chromium.collectCspViolations(page, cspViolations);
    }

    @AfterEach
    void closeContext() {
        if (context == null) {
            return; // no browser here: the test was skipped
        }
        context.close();
        assertThat(cspViolations).as("CSP violations").isEmpty();
    }

    private void login(String user, String password) {
        page.navigate(baseUrl() + "/login");
        page.getByLabel("User name").fill(user);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        page.waitForURL(baseUrl() + "/");
    }

    private void shot(String name) {
        page.waitForLoadState();
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }

    private String newUser(String role, boolean messageView) {
        String name = unique(role.toLowerCase());
        users.create(name, PASSWORD, role, messageView);
        return name;
    }

    @Test
    void createsAppTopicBindingAndProcessorInTheBrowser() {
        String app = unique("shop");
        String topic = unique("orders");
        String group = unique("billing");
        page.navigate(baseUrl() + "/login");
        shot("01-login");
        login("admin", ADMIN_PASSWORD);
        shot("02-dashboard");

        // app
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Apps").setExact(true)).click();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("New app")).click();
        page.getByLabel("Name").fill(app);
        page.locator("#owner").fill("team checkout");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create app")).click();
        page.waitForURL(baseUrl() + "/apps/" + app);
        assertThat(page.locator("#new-key-value")).containsText("hk_");
        shot("03-app-created-key-once");

        // topic with a type and a schema
        page.navigate(baseUrl() + "/topics/new");
        page.locator("#name").fill(topic);
        page.locator("#app").selectOption(app);
        page.locator("#partitions").fill("2");
        page.locator("#description").fill("Orders of the shop");
        page.locator("[id='types0.name']").fill("order-created");
        page.locator("[id='types0.jsonSchema']").fill("{\"type\":\"object\",\"required\":[\"orderId\"]}");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("+ Add another type")).click();
        page.locator("[id='types1.name']").fill("order-paid");
        shot("04-new-topic-form");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create topic")).click();
        page.waitForURL(baseUrl() + "/topics/" + topic);
        assertThat(page.locator("#types-panel")).containsText("order-created");
        assertThat(page.locator("#types-panel")).containsText("order-paid");
        assertThat(page.locator("#topic-live")).containsText("Start offset");
        shot("05-topic-detail");

        // binding with the live preview
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("New binding")).click();
        page.locator("#app").selectOption(app);
        page.locator("#group").fill(group);
        page.locator("#topic").fill(topic);
        page.locator("input[name=kind][value=REGEX]").check();
        page.locator("#typePattern").fill("order-c.*");
        assertThat(page.locator("#binding-preview")).containsText("1 of 2 declared types");
        shot("06-new-binding-preview");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create binding")).click();
        page.waitForURL(Pattern.compile(".*/bindings/\\d+$"));
        assertThat(page.locator("h1")).hasText(group);
        shot("07-binding-detail");

        // pause and resume in place
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Pause")).click();
        assertThat(page.locator(".binding-status .badge")).hasText("paused");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Resume")).click();
        assertThat(page.locator(".binding-status .badge")).hasText("active");

        // processor for the binding
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Push them to an HTTP endpoint instead")).click();
        page.locator("#address").fill("https://billing.example/events");
        page.locator("#retryCount").fill("5");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create processor")).click();
        page.waitForURL(Pattern.compile(".*/processors/\\d+$"));
        assertThat(page.locator("h1")).hasText("https://billing.example/events");
        shot("08-processor-detail");

        // everything is in the catalog
        assertThat(admin.get("/apps/" + app).status()).isEqualTo(200);
        assertThat(admin.get("/topics/" + topic).json().get("types").size()).isEqualTo(2);
        var binding = admin.get("/bindings?group=" + group).json().get(0);
        assertThat(binding.get("kind").asString()).isEqualTo("REGEX");
        assertThat(admin.get("/processors?app=" + app).json().get(0).get("retryCount").asInt()).isEqualTo(5);

        // the other main pages
        page.navigate(baseUrl() + "/topics");
        page.locator("#q").fill(topic);
        assertThat(page.locator("#topic-results")).containsText(topic);
        assertThat(page).hasURL(Pattern.compile(".*/topics\\?q=" + topic + ".*"));
        shot("09-topics-search");
        for (String[] p : new String[][]{{"/apps", "10-apps"}, {"/apps/" + app, "11-app-detail"}, {"/bindings", "12-bindings"},
                {"/processors", "13-processors"}, {"/instances", "14-sdk-instances"}, {"/audit", "15-audit"},
                {"/users", "16-users"}, {"/topics/" + topic + "/messages", "17-messages-empty"}, {"/", "18-dashboard-after"}}) {
            page.navigate(baseUrl() + p[0]);
            assertThat(page.locator("h1").first()).isVisible();
            shot(p[1]);
        }
        assertThat(dialogs).isEmpty();
    }

    @Test
    void invalidTopicNameShowsInlineErrorAndCreatesNothing() {
        String app = unique("app");
        admin.post("/apps", Map.of("name", app));
        login("admin", ADMIN_PASSWORD);

        page.navigate(baseUrl() + "/topics/new");
        page.locator("#name").fill("no spaces allowed");
        page.locator("#app").selectOption(app);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create topic")).click();

        assertThat(page.locator("#err-name")).containsText("may contain only letters, digits");
        assertThat(page.locator("#name")).hasAttribute("aria-invalid", "true");
        assertThat(page.locator("#name")).hasValue("no spaces allowed");
        assertThat(page).hasURL(baseUrl() + "/topics/new");
        shot("19-topic-inline-error");
        assertThat(admin.get("/topics?q=no%20spaces%20allowed").json().get("total").asLong()).isZero();
        assertThat(admin.get("/topics/no spaces allowed".replace(" ", "%20")).status()).isEqualTo(404);
    }

    @Test
    void payloadsAndDescriptionsRenderAsTextAndRunNothing() {
        String app = unique("app");
        String topic = unique("xss");
        admin.post("/apps", Map.of("name", app));
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1,
                "description", "<script>alert('description')</script>", "types", List.of(Map.of("name", "t")))).status())
                .isEqualTo(201);
        login("admin", ADMIN_PASSWORD);

        page.navigate(baseUrl() + "/topics/" + topic + "/messages/new");
        page.locator("#key").fill(EVIL);
        page.locator("#body").fill("{\"comment\":\"" + EVIL + "\",\"html\":\"<script>alert(2)</script>\"}");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Produce").setExact(true)).click();
        page.waitForURL(baseUrl() + "/topics/" + topic + "/messages");
        assertThat(page.locator(".alert.ok")).containsText("Message produced");
        assertThat(page.locator(".msg-key")).hasText(EVIL);
        assertThat(page.locator(".msg-body")).containsText("\"comment\" : \"" + EVIL + "\"");
        assertThat(page.locator("img[src=x]")).hasCount(0);
        page.locator(".msg summary").click();
        shot("20-messages-escaped");

        page.navigate(baseUrl() + "/topics/" + topic);
        assertThat(page.locator("dl.facts").first()).containsText("<script>alert('description')</script>");
        page.navigate(baseUrl() + "/topics?q=" + topic);
        assertThat(page.locator("#topic-results")).containsText("<script>alert('description')</script>");
        // every page's scripts have run once it is loaded and the network is quiet (htmx requests included)
        page.waitForLoadState(LoadState.NETWORKIDLE);

        assertThat(dialogs).as("no script ran").isEmpty();
    }

    @Test
    void viewerSeesNoEditActionsAndIsRefusedAForgedPost() {
        String app = unique("app");
        admin.post("/apps", Map.of("name", app));
        String viewer = newUser("VIEWER", false);
        login(viewer, PASSWORD);

        page.navigate(baseUrl() + "/apps/" + app);
        assertThat(page.locator("h1")).hasText(app);
        assertThat(page.getByText("Issue new key")).hasCount(0);
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Edit"))).hasCount(0);
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Delete"))).hasCount(0);
        page.navigate(baseUrl() + "/apps");
        assertThat(page.getByText("New app")).hasCount(0);
        assertThat(page.locator("nav")).not().containsText("Users");
        shot("21-viewer-apps");

        // a forged POST with the viewer's own valid session and CSRF token
        String headers = page.locator("body").getAttribute("hx-headers");
        String token = headers.replaceAll(".*\"X-CSRF-TOKEN\":\"([^\"]+)\".*", "$1");
        var forged = page.request().post(baseUrl() + "/apps/" + app + "/delete",
                RequestOptions.create().setHeader("X-CSRF-TOKEN", token).setMaxRedirects(0));
        assertThat(forged.status()).isEqualTo(403);
        var forgedCreate = page.request().post(baseUrl() + "/apps",
                RequestOptions.create().setHeader("X-CSRF-TOKEN", token).setMaxRedirects(0)
                        .setForm(com.microsoft.playwright.options.FormData.create().set("name", unique("forged"))));
        assertThat(forgedCreate.status()).isEqualTo(403);
        assertThat(admin.get("/apps/" + app).status()).isEqualTo(200);

        page.navigate(baseUrl() + "/users");
        assertThat(page.locator("h1")).hasText("Not allowed");
    }

    @Test
    void userWithoutMessageViewSeesNoPayloads() throws Exception {
        String app = unique("app");
        String topic = unique("private");
        admin.post("/apps", Map.of("name", app));
        admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap()), new StringSerializer(), new StringSerializer())) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(HeraldHeaders.CE_TYPE, "customer-updated".getBytes(StandardCharsets.UTF_8));
            headers.add("x-customer-email", "jane@example.com".getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(topic, null, "customer-42", "{\"iban\":\"DE00-SECRET\"}", headers)).get();
        }
        String editor = newUser("EDITOR", false);
        login(editor, PASSWORD);

        page.navigate(baseUrl() + "/topics/" + topic + "/messages");
        assertThat(page.locator(".msg")).hasCount(1);
        assertThat(page.locator(".msg")).containsText("customer-updated");
        String html = page.content();
        assertThat(html).doesNotContain("DE00-SECRET").doesNotContain("customer-42").doesNotContain("jane@example.com");
        assertThat(page.getByText("message-view permission")).isVisible();
        assertThat(page.getByText("Re-produce")).hasCount(0);
        shot("22-messages-without-message-view");

        context.close();
        open();
        login("admin", ADMIN_PASSWORD);
        page.navigate(baseUrl() + "/topics/" + topic + "/messages");
        assertThat(page.locator(".msg-body")).containsText("DE00-SECRET");
    }

    @Test
    void formsWorkWithoutJavaScript() {
        context.close();
        context = Chromium.browser().newContext(new Browser.NewContextOptions().setJavaScriptEnabled(false).setViewportSize(1280, 860));
        page = context.newPage();
        String app = unique("nojs");
        login("admin", ADMIN_PASSWORD);

        page.navigate(baseUrl() + "/apps/new");
        page.locator("#name").fill(app);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create app")).click();
        page.waitForURL(baseUrl() + "/apps/" + app);
        assertThat(page.locator("#new-key-value")).containsText("hk_");

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Delete")).click();
        page.waitForURL(baseUrl() + "/apps/" + app + "/delete");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete app")).click();
        page.waitForURL(baseUrl() + "/apps");
        assertThat(page.locator(".alert.ok")).containsText("deleted");
        assertThat(admin.get("/apps/" + app).status()).isEqualTo(404);
    }
}
