package io.herald.server.tx;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.herald.server.support.Chromium;
import io.herald.server.support.BrowserTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Pending two-phase messages in a real browser (Debian's Chromium through Playwright-Java): an
 * operator commits one from the Transactions page, the row shows the decision in place, and the
 * message reaches its topic; the other pending one stays untouched. A discarded message is published
 * anyway from the same page.
 */
class TransactionsBrowserIT extends BrowserTest {

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
        shot("transactions-pending");
        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Commit " + first.messageId())).click();

        // then: the row shows the decision in place, the message reaches its topic once, the other stays pending
        assertThat(row.locator(".tx-decision")).containsText("COMMITTING");
        assertThat(row.getByRole(AriaRole.BUTTON)).hasCount(0);
        assertThat(other.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Commit " + second.messageId())))
                .isVisible();
        shot("transactions-committed");
        await().atMost(Duration.ofSeconds(60)).until(() -> PendingTransactions.idsOn(first.topic()).contains(first.messageId()));
        assertThat(PendingTransactions.idsOn(first.topic())).containsExactly(first.messageId());
        assertThat(admin.get("/transactions/" + second.messageId()).json().get("state").asString()).isEqualTo("PENDING");
        assertThat(admin.get("/audit?objectType=transaction&objectId=" + first.messageId()).json().get(0).get("actor").asString())
                .contains("admin");
    }

    @Test
    void publishADiscardedMessageAnywayFromTheConsoleAndItReachesTheTopicOnce() throws Exception {
        // given: a message discarded after its last check
        PendingTransactions.Pending p = PendingTransactions.pending(admin, unique("txbd"), "order-3");
        TxFixtures.discard(p.messageId());

        // when: the operator lists discarded messages of the app and publishes it anyway
        page.navigate(baseUrl() + "/transactions");
        page.getByLabel("State").selectOption("DISCARDED");
        page.getByLabel("App").fill(p.app());
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show")).click();
        Locator row = page.locator("tr[data-message-id='" + p.messageId() + "']");
        assertThat(row.locator(".tx-decision")).containsText("DISCARDED");
        shot("transactions-discarded");
        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Publish " + p.messageId() + " anyway")).click();

        // then: the row shows it committing, without the button; the message reaches its topic once, audited
        assertThat(row.locator(".tx-decision")).containsText("COMMITTING");
        assertThat(row.locator(".tx-decision")).containsText("(publish anyway)");
        assertThat(row.getByRole(AriaRole.BUTTON)).hasCount(0);
        shot("transactions-published-anyway");
        await().atMost(Duration.ofSeconds(60)).until(() -> PendingTransactions.idsOn(p.topic()).contains(p.messageId()));
        assertThat(PendingTransactions.idsOn(p.topic())).containsExactly(p.messageId());
        assertThat(admin.get("/audit?objectType=transaction&objectId=" + p.messageId()).json().get(0).get("action").asString())
                .isEqualTo("publish-anyway");
    }
}
