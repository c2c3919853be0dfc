package io.herald.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

class ConsoleAppsIT extends ConsoleTestSupport {

    private static final Pattern KEY = Pattern.compile("hk_[A-Za-z0-9_-]{20,}");

    /** Follows the redirect (browser) or the HX-Location (htmx) of a successful change, in the same session. */
    private String follow(MvcResult r, Mode mode, MockHttpSession session) throws Exception {
        String location;
        if (mode.htmx()) {
            assertThat(r.getResponse().getStatus()).isEqualTo(200);
            String hx = r.getResponse().getHeader("HX-Location");
            assertThat(hx).isNotNull();
            location = hx.replaceAll(".*\"path\":\"([^\"]+)\".*", "$1");
        } else {
            assertThat(r.getResponse().getStatus()).isEqualTo(302);
            location = r.getResponse().getRedirectedUrl();
        }
        // The flash attributes travel in the session, as in a browser.
        MockHttpServletRequestBuilder next = mode.apply(get(location)).session(session).with(editor());
        return mvc.perform(next).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void createsAppAndShowsItsKeyExactlyOnce(Mode mode) throws Exception {
        String name = unique("app");
        MockHttpSession session = new MockHttpSession();

        MvcResult r = mvc.perform(mode.apply(post("/apps")).session(session).with(editor()).with(csrf())
                .param("name", name).param("owner", "payments").param("description", "Billing")).andReturn();
        String page = follow(r, mode, session);

        Matcher key = KEY.matcher(page);
        assertThat(key.find()).as(page).isTrue();
        assertThat(admin.as(key.group()).get("/apps/" + name).status()).isEqualTo(200);
        String again = mvc.perform(get("/apps/" + name).session(session).with(editor()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(again).doesNotContain(key.group()).contains("payments");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void duplicateNameIsAnInlineConflict(Mode mode) throws Exception {
        String existing = newApp();

        String body = mvc.perform(mode.apply(post("/apps")).with(editor()).with(csrf()).param("name", existing))
                .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();

        assertThat(body).contains("id=\"err-name\"").contains("already exists");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void editsOwnerButNeverTheName(Mode mode) throws Exception {
        String name = newApp();

        mvc.perform(mode.apply(post("/apps/" + name)).with(editor()).with(csrf())
                        .param("name", "renamed-by-form").param("owner", "new-team").param("description", "d"))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());

        assertThat(admin.get("/apps/" + name).json().get("owner").asString()).isEqualTo("new-team");
        assertThat(admin.get("/apps/renamed-by-form").status()).isEqualTo(404);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void rotatesAndRevokesKeys(Mode mode) throws Exception {
        String name = newApp();
        MockHttpSession session = new MockHttpSession();

        String page = follow(mvc.perform(mode.apply(post("/apps/" + name + "/keys")).session(session).with(editor()).with(csrf()))
                .andReturn(), mode, session);
        Matcher key = KEY.matcher(page);
        assertThat(key.find()).isTrue();
        var keys = admin.get("/apps/" + name + "/keys").json();
        assertThat(keys.size()).isEqualTo(2);
        long first = keys.get(0).get("id").asLong();

        String confirm = mvc.perform(get("/apps/" + name + "/keys/" + first + "/revoke").with(editor()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(confirm).contains("Revoke key");
        mvc.perform(mode.apply(post("/apps/" + name + "/keys/" + first + "/revoke")).with(editor()).with(csrf()))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        assertThat(admin.get("/apps/" + name + "/keys").json().get(0).get("revokedAt").isNull()).isFalse();
        assertThat(admin.as(key.group()).get("/apps/" + name).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void deletesAfterConfirmationUnlessItOwnsTopics(Mode mode) throws Exception {
        String name = newApp();
        String owner = newApp();
        newTopic(owner);

        mvc.perform(mode.apply(get("/apps/" + name + "/delete")).with(adminUser())).andExpect(status().isOk());
        mvc.perform(mode.apply(post("/apps/" + name + "/delete")).with(adminUser()).with(csrf()))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        assertThat(admin.get("/apps/" + name).status()).isEqualTo(404);

        String refused = mvc.perform(mode.apply(post("/apps/" + owner + "/delete")).with(adminUser()).with(csrf()))
                .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();
        assertThat(refused).contains("still owns topics");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void listAndDetailForViewerWithoutEditActions(Mode mode) throws Exception {
        String name = newApp();

        String list = mvc.perform(mode.apply(get("/apps")).with(viewer())).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertShape(list, mode);
        assertThat(list).contains(name).doesNotContain("New app");

        String detail = mvc.perform(mode.apply(get("/apps/" + name)).with(viewer())).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(detail).contains("API keys").doesNotContain("Issue new key").doesNotContain("Revoke")
                .doesNotContain("/apps/" + name + "/edit");
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;

    @org.junit.jupiter.api.Test
    void theAppListNeverCarriesALongDescriptionInFull() throws Exception {
        String name = newApp();
        assertThat(admin.patch("/apps/" + name, java.util.Map.of("description", "d".repeat(2000))).status()).isEqualTo(200);
        // a description stored before descriptions had a maximum
        String older = newApp();
        jdbc.update("UPDATE app SET description = ? WHERE name = ?", "x".repeat(1_000_000), older);

        String page = mvc.perform(get("/apps").with(editor())).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();

        assertThat(page).contains(name, older, "d".repeat(100) + "…", "x".repeat(100) + "…");
        assertThat(page).doesNotContain("d".repeat(121)).doesNotContain("x".repeat(121));
        assertThat(page.length()).isLessThan(1_000_000);
        // the app's own page shows it in full
        assertThat(mvc.perform(get("/apps/" + name).with(editor())).andReturn().getResponse().getContentAsString())
                .contains("d".repeat(2000));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aDescriptionOverItsMaximumIsAnInlineError(Mode mode) throws Exception {
        String name = unique("app");
        String body = mvc.perform(mode.apply(post("/apps")).with(editor()).with(csrf()).param("name", name)
                .param("description", "d".repeat(2001))).andReturn().getResponse().getContentAsString();

        assertThat(body).contains("id=\"err-description\"").contains("must be at most 2000 characters");
        assertThat(admin.get("/apps/" + name).status()).isEqualTo(404);
    }
}
