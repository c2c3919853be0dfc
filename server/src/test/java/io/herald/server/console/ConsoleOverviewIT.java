package io.herald.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.herald.server.security.ConsoleUsers;
import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** Dashboard, SDK instances, audit log and users. */
class ConsoleOverviewIT extends ConsoleTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ConsoleUsers users;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void dashboardShowsCountsAndLoadsKafkaFiguresSeparately(Mode mode) throws Exception {
        String app = newApp();
        newTopic(app);

        String page = mvc.perform(mode.apply(get("/")).with(viewer())).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertShape(page, mode);
        assertThat(page).contains("Topics").contains("SDK instances").contains("hx-get=\"/dashboard/kafka\"");
        assertThat(page).doesNotContain("New topic");

        String figures = mvc.perform(mode.apply(get("/dashboard/kafka")).with(viewer())).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(figures).contains("Messages per second").contains("Most lagging consumer groups")
                .contains("hx-trigger=\"every 5s\"");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void instancesShowStaleAndBehind(Mode mode) throws Exception {
        String app = newApp();
        long appId = jdbc.queryForObject("SELECT id FROM app WHERE name = ?", Long.class, app);
        long latest = jdbc.queryForObject("SELECT version FROM app_config_version WHERE app_id = ?", Long.class, appId);
        jdbc.update("INSERT INTO client_instance (app_id, instance_id, host, sdk_version, applied_version, last_seen) VALUES (?, ?, ?, ?, ?, ?)",
                appId, "fresh-1", "host-a", "0.1.0", latest, Timestamp.from(Instant.now()));
        jdbc.update("INSERT INTO client_instance (app_id, instance_id, host, sdk_version, applied_version, last_seen) VALUES (?, ?, ?, ?, ?, ?)",
                appId, "old-1", "host-<b>", "0.0.9", 0, Timestamp.from(Instant.now().minusSeconds(600)));

        String online = mvc.perform(mode.apply(get("/apps/" + app + "/instances")).with(viewer())).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertShape(online, mode);
        assertThat(online).contains("fresh-1").doesNotContain("old-1");

        String page = mvc.perform(mode.apply(get("/apps/" + app + "/instances")).param("status", "all").with(viewer()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertShape(page, mode);
        assertThat(page).contains("fresh-1").contains("old-1").contains(">stale<").contains(">online<").contains(">behind<");
        assertThat(page).contains("host-&lt;b&gt;").doesNotContain("host-<b>");
        String all = mvc.perform(mode.apply(get("/instances")).with(viewer())).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(all).contains("fresh-1").contains(app);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void auditShowsChangesAsDiffAndFilters(Mode mode) throws Exception {
        String app = newApp();
        admin.patch("/apps/" + app, java.util.Map.of("owner", "<script>alert(1)</script>"));

        String page = mvc.perform(mode.apply(get("/audit")).param("objectType", "app").param("objectId", app).with(editor()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertShape(page, mode);
        assertThat(page).contains("diff-changed").contains("owner").contains(">team<")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");
        assertThat(page).contains(">create<").contains(">update<");
        String bad = mvc.perform(mode.apply(get("/audit")).param("from", "yesterday").with(editor()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(bad).contains("id=\"err-from\"");
        mvc.perform(mode.apply(get("/audit")).with(viewer())).andExpect(status().isForbidden());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void adminCreatesAndChangesUsers(Mode mode) throws Exception {
        String name = unique("user");

        mvc.perform(mode.apply(post("/users")).with(adminUser()).with(csrf())
                        .param("username", name).param("password", "long-enough-secret").param("role", "VIEWER"))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        assertThat(users.find(name)).hasValueSatisfying(u -> {
            assertThat(u.role()).isEqualTo("VIEWER");
            assertThat(u.messageView()).isFalse();
        });

        String dup = mvc.perform(mode.apply(post("/users")).with(adminUser()).with(csrf())
                        .param("username", name).param("password", "long-enough-secret").param("role", "VIEWER"))
                .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();
        assertThat(dup).contains("id=\"err-username\"").doesNotContain("long-enough-secret");
        String shortPw = mvc.perform(mode.apply(post("/users")).with(adminUser()).with(csrf())
                        .param("username", unique("u")).param("password", "short").param("role", "VIEWER"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(shortPw).contains("id=\"err-password\"");

        mvc.perform(mode.apply(post("/users/" + name)).with(adminUser()).with(csrf())
                        .param("role", "EDITOR").param("messageView", "true").param("_messageView", "on")
                        .param("enabled", "true").param("_enabled", "on"))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        assertThat(users.find(name).orElseThrow().role()).isEqualTo("EDITOR");
        assertThat(users.find(name).orElseThrow().messageView()).isTrue();

        String list = mvc.perform(mode.apply(get("/users")).with(adminUser())).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(list).contains(name).doesNotContain("password_hash").doesNotContain("{bcrypt}");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void adminCannotLockThemselvesOut(Mode mode) throws Exception {
        String name = unique("boss");
        users.create(name, "long-enough-secret", "ADMIN", true);
        var self = io.herald.server.support.MockConsoleUsers.signedIn(name, "ADMIN", true);

        String body = mvc.perform(mode.apply(post("/users/" + name)).with(self).with(csrf())
                        .param("role", "VIEWER").param("enabled", "true").param("_enabled", "on"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(body).contains("your own admin role");
        assertThat(users.find(name).orElseThrow().role()).isEqualTo("ADMIN");
    }
}
