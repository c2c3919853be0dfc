package io.herald.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.herald.server.tx.PendingTransactions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.test.web.servlet.MvcResult;

/** The pending two-phase messages page: list with age and checks, manual commit and rollback. */
class ConsoleTransactionsIT extends ConsoleTestSupport {

    @ParameterizedTest
    @EnumSource(Mode.class)
    void listsPendingMessagesWithAgeAndChecks(Mode mode) throws Exception {
        PendingTransactions.Pending p = PendingTransactions.pending(admin, unique("txp"), "order-<1>");

        String body = mvc.perform(mode.apply(get("/transactions")).with(editor()).param("app", p.app()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertShape(body, mode);
        assertThat(body).contains(p.messageId()).contains(p.topic()).contains("order-created").contains("s ago")
                .contains(">1</span> pending<span> for " + p.app());
        assertThat(body).contains("<td class=\"num\">0</td>"); // no check-back yet
        assertThat(body).contains("order-&lt;1&gt;").doesNotContain("order-<1>"); // the key, escaped
        assertThat(body).contains("/transactions/" + p.messageId() + "/commit").contains("Roll back");
        if (!mode.htmx()) {
            assertThat(body).contains("aria-current=\"page\">Transactions</a>");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void saysSoWhenNoOnlineInstanceOfTheAppHasATransactionChecker(Mode mode) throws Exception {
        PendingTransactions.Pending p = PendingTransactions.pending(admin, unique("txn"), "order-9");

        String body = mvc.perform(mode.apply(get("/transactions")).with(editor()).param("app", p.app()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(body).contains("tx-no-checker").contains("No online instance of app &#39;" + p.app()
                + "&#39; has a TransactionChecker");

        // when: an instance of the app with a checker comes online
        assertThat(admin.post("/clients/heartbeat", java.util.Map.of("app", p.app(), "instanceId", p.app() + "-1",
                "sdkVersion", "test", "appliedConfigVersion", 0, "transactionChecker", true)).status()).isEqualTo(204);

        String after = mvc.perform(mode.apply(get("/transactions")).with(editor()).param("app", p.app()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(after).contains(p.messageId()).doesNotContain("tx-no-checker");
        assertThat(admin.get("/transactions/" + p.messageId()).json().get("warning").isNull()).isTrue();
    }

    @Test
    void keysNeedMessageViewAndDecisionsNeedAnEditor() throws Exception {
        PendingTransactions.Pending p = PendingTransactions.pending(admin, unique("txv"), "secret-key");

        String blind = mvc.perform(get("/transactions").with(editorWithoutMessageView()).param("app", p.app()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(blind).contains(p.messageId()).doesNotContain("secret-key").contains("Commit");

        String viewer = mvc.perform(get("/transactions").with(viewer()).param("app", p.app()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(viewer).contains(p.messageId()).doesNotContain("/commit").doesNotContain("/rollback");
        mvc.perform(post("/transactions/" + p.messageId() + "/commit").with(viewer()).with(csrf())).andExpect(status().isForbidden());
        mvc.perform(post("/transactions/" + p.messageId() + "/commit").with(editor())).andExpect(status().isForbidden()); // no CSRF
        assertThat(admin.get("/transactions/" + p.messageId()).json().get("state").asString()).isEqualTo("PENDING");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void commitIsAuditedPublishedAndASecondDecisionIsRefusedInline(Mode mode) throws Exception {
        PendingTransactions.Pending p = PendingTransactions.pending(admin, unique("txc"), "order-2");

        MvcResult r = mvc.perform(mode.apply(post("/transactions/" + p.messageId() + "/commit")).with(editor()).with(csrf()))
                .andReturn();

        if (mode.htmx()) {
            assertThat(r.getResponse().getStatus()).isEqualTo(200);
            assertThat(r.getResponse().getContentAsString()).contains("tx-decision").contains("COMMITTING").contains("by ")
                    .doesNotContain("<section").doesNotContain(">Commit<");
        } else {
            assertThat(r.getResponse().getStatus()).isEqualTo(302);
            assertThat(r.getResponse().getRedirectedUrl()).isEqualTo("/transactions");
            assertThat((String) r.getFlashMap().get("notice")).contains("Committed " + p.messageId());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/transactions/" + p.messageId()).json().get("state")
                .asString().equals("PUBLISHED"));
        assertThat(PendingTransactions.idsOn(p.topic())).containsExactly(p.messageId());
        var audit = admin.get("/audit?objectType=transaction&objectId=" + p.messageId()).json();
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).get("action").asString()).isEqualTo("commit");

        // when: someone else's page still offers the buttons and rolls back
        MvcResult late = mvc.perform(mode.apply(post("/transactions/" + p.messageId() + "/rollback")).with(editor()).with(csrf()))
                .andReturn();

        // then: refused where the button was, nothing changed
        if (mode.htmx()) {
            assertThat(late.getResponse().getStatus()).isEqualTo(409);
            assertThat(late.getResponse().getContentAsString()).contains("tx-decision").contains("role=\"alert\"")
                    .contains("is already PUBLISHED").doesNotContain("<section");
        } else {
            assertThat(late.getResponse().getRedirectedUrl()).isEqualTo("/transactions");
            assertThat((String) late.getFlashMap().get("problem")).contains("is already PUBLISHED");
            String page = mvc.perform(get("/transactions").with(editor()).flashAttr("problem", late.getFlashMap().get("problem")))
                    .andReturn().getResponse().getContentAsString();
            assertThat(page).contains("class=\"alert error\" role=\"alert\"").contains("is already PUBLISHED");
        }
        assertThat(admin.get("/transactions/" + p.messageId()).json().get("state").asString()).isEqualTo("PUBLISHED");
        assertThat(admin.get("/audit?objectType=transaction&objectId=" + p.messageId()).json()).hasSize(1);
    }

    @Test
    void rollbackFromThePageNeverPublishes() throws Exception {
        PendingTransactions.Pending p = PendingTransactions.pending(admin, unique("txr"), "order-3");

        String cell = mvc.perform(post("/transactions/" + p.messageId() + "/rollback").header("HX-Request", "true").with(editor())
                .with(csrf())).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(cell).contains("ROLLED_BACK");
        assertThat(admin.get("/transactions/" + p.messageId()).json().get("state").asString()).isEqualTo("ROLLED_BACK");
        assertThat(admin.get("/audit?objectType=transaction&objectId=" + p.messageId()).json().get(0).get("action").asString())
                .isEqualTo("rollback");
        String rolledBack = mvc.perform(get("/transactions").with(editor()).param("app", p.app()).param("state", "ROLLED_BACK"))
                .andReturn().getResponse().getContentAsString();
        assertThat(rolledBack).contains(p.messageId()).doesNotContain("/transactions/" + p.messageId() + "/commit");
        assertThat(PendingTransactions.idsOn(p.topic())).isEmpty();
    }

    @Test
    void saysSinceWhenTheProducerIsAwayAndThatThoseChecksDoNotCount() throws Exception {
        PendingTransactions.Pending p = PendingTransactions.pending(admin, unique("txa"), "order-4");
        io.herald.server.tx.TxFixtures.away(p.messageId(), 4);

        String body = mvc.perform(get("/transactions").with(viewer()).param("app", p.app()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(body).contains("tx-away").contains("producer away since ").contains("(4 check(s) not counted)");
        var t = admin.get("/transactions/" + p.messageId()).json();
        assertThat(t.get("awaySince").isNull()).isFalse();
        assertThat(t.get("awayChecks").asInt()).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aDiscardedMessageIsListedAndAnEditorPublishesItAnywayOnce(Mode mode) throws Exception {
        PendingTransactions.Pending p = PendingTransactions.pending(admin, unique("txd"), "order-5");
        io.herald.server.tx.TxFixtures.discard(p.messageId());

        String viewer = mvc.perform(get("/transactions").with(viewer()).param("app", p.app()).param("state", "DISCARDED"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(viewer).contains(p.messageId()).contains("DISCARDED").doesNotContain("Publish anyway");
        String page = mvc.perform(get("/transactions").with(editor()).param("app", p.app()).param("state", "DISCARDED"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("/transactions/" + p.messageId() + "/publish").contains("Publish anyway");
        mvc.perform(post("/transactions/" + p.messageId() + "/publish").with(viewer()).with(csrf())).andExpect(status().isForbidden());
        mvc.perform(post("/transactions/" + p.messageId() + "/publish").with(editor())).andExpect(status().isForbidden()); // no CSRF

        MvcResult r = mvc.perform(mode.apply(post("/transactions/" + p.messageId() + "/publish")).with(editor()).with(csrf()))
                .andReturn();

        if (mode.htmx()) {
            assertThat(r.getResponse().getStatus()).isEqualTo(200);
            assertThat(r.getResponse().getContentAsString()).contains("tx-decision").contains("COMMITTING")
                    .contains("(publish anyway)").doesNotContain("Publish anyway");
        } else {
            assertThat(r.getResponse().getStatus()).isEqualTo(302);
            assertThat((String) r.getFlashMap().get("notice")).contains("Publishing discarded message " + p.messageId());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/transactions/" + p.messageId()).json().get("state")
                .asString().equals("PUBLISHED"));
        assertThat(PendingTransactions.idsOn(p.topic())).containsExactly(p.messageId());
        var audit = admin.get("/audit?objectType=transaction&objectId=" + p.messageId()).json();
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).get("action").asString()).isEqualTo("publish-anyway");

        // a second click (a stale page) is refused where the button was
        MvcResult again = mvc.perform(mode.apply(post("/transactions/" + p.messageId() + "/publish")).with(editor()).with(csrf()))
                .andReturn();
        if (mode.htmx()) {
            assertThat(again.getResponse().getStatus()).isEqualTo(409);
            assertThat(again.getResponse().getContentAsString()).contains("role=\"alert\"").contains("is PUBLISHED");
        } else {
            assertThat((String) again.getFlashMap().get("problem")).contains("is PUBLISHED");
        }
        assertThat(PendingTransactions.idsOn(p.topic())).containsExactly(p.messageId());
    }
}
