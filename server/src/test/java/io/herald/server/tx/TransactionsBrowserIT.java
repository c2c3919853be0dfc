package io.herald.server.tx;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.herald.server.support.Chromium;
import io.herald.server.support.ServerTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pending two-phase messages in a real browser (Debian's Chromium through Playwright-Java): an
 * operator commits one from the Transactions page, the row shows the decision in place, and the
 * message reaches its topic; the other pending one stays untouched.
 */
class TransactionsBrowserIT extends ServerTest {

    private BrowserContext context;
    private Page page;
    private final List<String> cspViolations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        context = Chromium.browser().newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
        context.setDefaultTimeout(20_000);
        page = context.newPage();
        Chromium.collectCspViolations(page, cspViolations);
        page.navigate(baseUrl() + "/login");
        page.getByLabel("User name").fill("admin");
        page.getByLabel("Password").fill(ADMIN_PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        page.waitForURL(baseUrl() + "/");
    }

    @AfterEach
    void closeContext() {
        if (context == null) {
            return; // no browser here: the test was skipped
        }
        context.close();
        assertThat(cspViolations).as("CSP violations").isEmpty();
    }

    @Test
    void commitAPendingMessageFromTheConsoleAndItReachesTheTopic() throws Exception {
        // given: two messages whose producer never decided
        PendingTransactions.Pending first = PendingTransactions.pending(admin, unique("txb"), "order-1");
        PendingTransactions.Pending second = PendingTransactions.another(admin, first.app(), first.topic(), "order-2");

        // when: the operator opens Transactions from the navigation, filters by the app and commits the first one
        page.getByRole(AriaRole.NAVIGATION).getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Transactions")).click();
        page.waitForURL(baseUrl() + "/transactions");
        page.getByLabel("App").fill(first.app());
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show")).click();
        Locator row = page.locator("tr[data-message-id='" + first.messageId() + "']");
        Locator other = page.locator("tr[data-message-id='" + second.messageId() + "']");
        assertThat(row).containsText("order-1");
        assertThat(row).containsText("s ago");
        assertThat(other).isVisible();
        page.screenshot(new Page.ScreenshotOptions().setPath(Chromium.SCREENSHOTS.resolve("transactions-pending.png")).setFullPage(true));
        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Commit " + first.messageId())).click();

        // then: the row shows the decision in place, the message reaches its topic once, the other stays pending
        assertThat(row.locator(".tx-decision")).containsText("COMMITTING");
        assertThat(row.getByRole(AriaRole.BUTTON)).hasCount(0);
        assertThat(other.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Commit " + second.messageId())))
                .isVisible();
        page.screenshot(new Page.ScreenshotOptions().setPath(Chromium.SCREENSHOTS.resolve("transactions-committed.png")).setFullPage(true));
        await().atMost(Duration.ofSeconds(20)).until(() -> PendingTransactions.idsOn(first.topic()).contains(first.messageId()));
        assertThat(PendingTransactions.idsOn(first.topic())).containsExactly(first.messageId());
        assertThat(admin.get("/transactions/" + second.messageId()).json().get("state").asString()).isEqualTo("PENDING");
        assertThat(admin.get("/audit?objectType=transaction&objectId=" + first.messageId()).json().get(0).get("actor").asString())
                .contains("admin");
    }
}
