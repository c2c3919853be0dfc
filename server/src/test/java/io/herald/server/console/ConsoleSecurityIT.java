package io.herald.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.herald.server.support.ServerTest;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

class ConsoleSecurityIT extends ConsoleTestSupport {

    /**
     * Every console endpoint and the least role it needs. A new console endpoint without an entry
     * fails this test: decide who may use it, then add it here.
     */
    static final Map<String, String> MATRIX = new TreeMap<>(Map.ofEntries(
            Map.entry("GET /login", "ANONYMOUS"),
            Map.entry("GET /", "VIEWER"),
            Map.entry("GET /dashboard/kafka", "VIEWER"),
            Map.entry("GET /topics", "VIEWER"),
            Map.entry("GET /topics/new", "EDITOR"),
            Map.entry("POST /topics", "EDITOR"),
            Map.entry("GET /topics/{name}", "VIEWER"),
            Map.entry("GET /topics/{name}/asyncapi.json", "VIEWER"),
            Map.entry("GET /topics/{name}/kafka", "VIEWER"),
            Map.entry("GET /topics/{name}/settings", "VIEWER"),
            Map.entry("POST /topics/{name}/settings", "EDITOR"),
            Map.entry("GET /topics/{name}/edit", "EDITOR"),
            Map.entry("POST /topics/{name}", "EDITOR"),
            Map.entry("GET /topics/{name}/delete", "EDITOR"),
            Map.entry("POST /topics/{name}/delete", "EDITOR"),
            Map.entry("POST /topics/{name}/types", "EDITOR"),
            Map.entry("GET /topics/{name}/types/{type}/edit", "EDITOR"),
            Map.entry("POST /topics/{name}/types/{type}", "EDITOR"),
            Map.entry("GET /topics/{name}/types/{type}/delete", "EDITOR"),
            Map.entry("POST /topics/{name}/types/{type}/delete", "EDITOR"),
            Map.entry("GET /topics/{name}/messages", "VIEWER"),
            Map.entry("GET /topics/{name}/messages/new", "EDITOR"),
            Map.entry("POST /topics/{name}/messages", "EDITOR"),
            Map.entry("GET /topics/{name}/messages/{partition}/{offset}/reproduce", "EDITOR+MESSAGE_VIEW"),
            Map.entry("POST /topics/{name}/messages/{partition}/{offset}/reproduce", "EDITOR+MESSAGE_VIEW"),
            Map.entry("GET /topics/{name}/messages/tail", "VIEWER"),
            Map.entry("GET /topics/{name}/messages/export.jsonl", "VIEWER+MESSAGE_VIEW"),
            Map.entry("GET /topics/{name}/messages/search", "VIEWER+MESSAGE_VIEW"),
            Map.entry("POST /topics/{name}/messages/search", "VIEWER+MESSAGE_VIEW"),
            Map.entry("POST /topics/{name}/messages/search/stop", "VIEWER+MESSAGE_VIEW"),
            Map.entry("GET /topics/{name}/messages/search/hits.jsonl", "VIEWER+MESSAGE_VIEW"),
            Map.entry("GET /apps", "VIEWER"),
            Map.entry("GET /apps/new", "EDITOR"),
            Map.entry("POST /apps", "EDITOR"),
            Map.entry("GET /apps/{name}", "VIEWER"),
            Map.entry("GET /apps/{name}/asyncapi.json", "VIEWER"),
            Map.entry("GET /apps/{name}/edit", "EDITOR"),
            Map.entry("POST /apps/{name}", "EDITOR"),
            Map.entry("POST /apps/{name}/keys", "EDITOR"),
            Map.entry("GET /apps/{name}/keys/{id}/revoke", "EDITOR"),
            Map.entry("POST /apps/{name}/keys/{id}/revoke", "EDITOR"),
            Map.entry("GET /apps/{name}/delete", "EDITOR"),
            Map.entry("POST /apps/{name}/delete", "EDITOR"),
            Map.entry("GET /apps/{name}/instances", "VIEWER"),
            Map.entry("GET /instances", "VIEWER"),
            Map.entry("GET /bindings", "VIEWER"),
            Map.entry("GET /bindings/new", "EDITOR"),
            Map.entry("GET /bindings/preview", "EDITOR"),
            Map.entry("POST /bindings", "EDITOR"),
            Map.entry("GET /bindings/{id}", "VIEWER"),
            Map.entry("GET /bindings/{id}/preview", "EDITOR"),
            Map.entry("GET /bindings/{id}/edit", "EDITOR"),
            Map.entry("POST /bindings/{id}", "EDITOR"),
            Map.entry("POST /bindings/{id}/pause", "EDITOR"),
            Map.entry("POST /bindings/{id}/resume", "EDITOR"),
            Map.entry("GET /bindings/{id}/delete", "EDITOR"),
            Map.entry("POST /bindings/{id}/delete", "EDITOR"),
            Map.entry("GET /bindings/{id}/processor/new", "EDITOR"),
            Map.entry("POST /bindings/{id}/processor", "EDITOR"),
            Map.entry("GET /processors", "VIEWER"),
            Map.entry("GET /processors/new", "EDITOR"),
            Map.entry("GET /processors/{id}", "VIEWER"),
            Map.entry("GET /processors/{id}/edit", "EDITOR"),
            Map.entry("POST /processors/{id}", "EDITOR"),
            Map.entry("POST /processors/{id}/pause", "EDITOR"),
            Map.entry("POST /processors/{id}/resume", "EDITOR"),
            Map.entry("GET /processors/{id}/delete", "EDITOR"),
            Map.entry("POST /processors/{id}/delete", "EDITOR"),
            Map.entry("GET /schedules/new", "EDITOR"),
            Map.entry("POST /schedules", "EDITOR"),
            Map.entry("GET /schedules/{id}/edit", "EDITOR"),
            Map.entry("POST /schedules/{id}", "EDITOR"),
            Map.entry("POST /schedules/{id}/delete", "EDITOR"),
            Map.entry("GET /delayed", "VIEWER"),
            Map.entry("POST /delayed/{id}/cancel", "EDITOR"),
            Map.entry("GET /transactions", "VIEWER"),
            Map.entry("POST /transactions/{id}/commit", "EDITOR"),
            Map.entry("POST /transactions/{id}/rollback", "EDITOR"),
            Map.entry("POST /transactions/{id}/publish", "EDITOR"),
            Map.entry("GET /consumer-groups", "VIEWER"),
            Map.entry("GET /consumer-groups/{name}", "VIEWER"),
            Map.entry("GET /consumer-groups/{name}/live", "VIEWER"),
            Map.entry("POST /consumer-groups/{name}/reset", "EDITOR"),
            Map.entry("POST /consumer-groups/{name}/delete", "EDITOR"),
            Map.entry("GET /cluster", "VIEWER"),
            Map.entry("GET /cluster/brokers/{id}", "VIEWER"),
            Map.entry("GET /audit", "EDITOR"),
            Map.entry("GET /users", "ADMIN"),
            Map.entry("POST /users", "ADMIN"),
            Map.entry("GET /users/{username}/edit", "ADMIN"),
            Map.entry("POST /users/{username}", "ADMIN")));

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyConsoleEndpointIsInTheMatrix() {
        Set<String> found = new TreeSet<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mappings.getHandlerMethods().entrySet()) {
            if (!e.getValue().getBeanType().getPackageName().equals(ConsoleAdvice.class.getPackageName())) {
                continue;
            }
            for (String pattern : e.getKey().getPatternValues()) {
                e.getKey().getMethodsCondition().getMethods().forEach(m -> found.add(m.name() + " " + pattern));
            }
        }
        assertThat(found).as("console endpoints without an entry in MATRIX").isSubsetOf(MATRIX.keySet());
        assertThat(MATRIX.keySet()).as("MATRIX entries without an endpoint").isSubsetOf(found);
    }

    /** A viewer is refused every state-changing console request, even with a valid CSRF token. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void viewerGetsForbiddenOnEveryPost(Mode mode) throws Exception {
        Set<String> checked = new HashSet<>();
        long posts = MATRIX.keySet().stream().filter(k -> k.startsWith("POST ")).count();
        for (String endpoint : MATRIX.keySet()) {
            if (!endpoint.startsWith("POST ")) {
                continue;
            }
            String path = endpoint.substring(5).replace("{name}", "x").replace("{type}", "t").replace("{id}", "1")
                    .replace("{partition}", "0").replace("{offset}", "0").replace("{username}", "admin");
            mvc.perform(mode.apply(post(path)).with(viewer()).with(csrf())).andExpect(status().isForbidden());
            checked.add(path);
        }
        assertThat(checked).hasSize((int) posts);
    }

    /**
     * A viewer is refused every page and fragment that needs a higher role, asked for as a page and
     * as an htmx fragment ({@code HX-Request}), on real objects so that no 404 hides a missing check.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void viewerGetsForbiddenOnEditorPagesFragmentsAndUsers(Mode mode) throws Exception {
        String app = newApp();
        String topic = newTopic(app, "t");
        long binding = newBinding(app, topic, unique("group"));
        Set<String> checked = new TreeSet<>();
        for (Map.Entry<String, String> e : MATRIX.entrySet()) {
            if (!e.getKey().startsWith("GET ") || e.getValue().equals("VIEWER") || e.getValue().equals("ANONYMOUS")) {
                continue;
            }
            String path = e.getKey().substring(4).replace("{name}", e.getKey().contains("/apps/") ? app : topic)
                    .replace("{type}", "t").replace("{partition}", "0").replace("{offset}", "0")
                    .replace("{username}", "admin");
            if (path.startsWith("/bindings/{id}")) {
                path = path.replace("{id}", String.valueOf(binding));
            } else {
                // a processor, schedule or key that need not exist: the role is checked before the object is looked up
                path = path.replace("{id}", "1");
            }
            if (path.equals("/bindings/preview")) {
                path += "?topic=" + topic + "&kind=REGEX&typePattern=t.*";
            } else if (path.endsWith("/preview")) {
                path += "?kind=REGEX&typePattern=t.*";
            }
            var r = mvc.perform(mode.apply(get(path)).with(viewer())).andReturn();
            assertThat(r.getResponse().getStatus()).as(mode + " GET " + path).isEqualTo(403);
            assertThat(r.getResponse().getContentAsString()).as(mode + " GET " + path).doesNotContain("declared types");
            checked.add(e.getKey());
        }
        assertThat(checked).contains("GET /bindings/preview", "GET /bindings/{id}/preview", "GET /bindings/{id}/edit", "GET /users");
        mvc.perform(mode.apply(get("/users")).with(editor())).andExpect(status().isForbidden());
        mvc.perform(mode.apply(post("/users")).with(editor()).with(csrf()).param("username", "x").param("password", "0123456789x")
                .param("role", "ADMIN")).andExpect(status().isForbidden());
    }

    /**
     * The live tail, the payload search and the downloads: a viewer without message-view sees where messages are
     * but no key or payload, may not search or download, and a viewer with message-view may search.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void viewerWithoutMessageViewSeesNoPayloadInTailSearchOrDownloads(Mode mode) throws Exception {
        String topic = newTopic(newApp(), "t");
        mvc.perform(post("/topics/" + topic + "/messages").with(editor()).with(csrf()).param("key", "customer-0815")
                .param("type", "t").param("contentType", "application/json").param("body", "{\"iban\":\"DE-tail-secret\"}"))
                .andExpect(status().isFound());

        var blind = org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get("/topics/" + topic + "/messages/tail")
                .param("text", "DE-tail").param("key", "customer-0815");
        String tail = mvc.perform(mode.apply(blind).with(viewer())).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
        assertThat(tail).contains("message-view permission").contains("<article class=\"msg\">").contains(" · #0<").doesNotContain("customer-0815")
                .doesNotContain("DE-tail-secret").doesNotContain("ce_source");
        for (String path : new String[] {"/search", "/export.jsonl", "/search/hits.jsonl?job=x"}) {
            mvc.perform(mode.apply(get("/topics/" + topic + "/messages" + path)).with(viewer())).andExpect(status().isForbidden());
        }
        mvc.perform(mode.apply(post("/topics/" + topic + "/messages/search")).with(viewer()).with(csrf()).param("text", "DE"))
                .andExpect(status().isForbidden());

        var seeing = io.herald.server.support.MockConsoleUsers.signedIn("seeing-viewer", "VIEWER", true);
        var started = mvc.perform(mode.apply(post("/topics/" + topic + "/messages/search")).with(seeing).with(csrf())
                .param("text", "DE-tail")).andReturn().getResponse();
        String location = mode.htmx() ? started.getHeader("HX-Location") : started.getRedirectedUrl();
        assertThat(location).as(started.getContentAsString()).contains("/topics/" + topic + "/messages/search?job=");
        // someone else's search is not found, not shown
        String job = location.replaceAll(".*job=([0-9a-f-]+).*", "$1");
        mvc.perform(mode.apply(get("/topics/" + topic + "/messages/search").param("job", job)).with(adminUser()))
                .andExpect(status().isNotFound());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void postWithoutCsrfTokenIsForbidden(Mode mode) throws Exception {
        String name = unique("app");
        mvc.perform(mode.apply(post("/apps")).with(editor()).param("name", name)).andExpect(status().isForbidden());
        assertThat(admin.get("/apps/" + name).status()).isEqualTo(404);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void signedOutRequestGoesToLoginOrRefreshes(Mode mode) throws Exception {
        var r = mvc.perform(mode.apply(get("/topics"))).andReturn();
        if (mode.htmx()) {
            assertThat(r.getResponse().getStatus()).isEqualTo(401);
            assertThat(r.getResponse().getHeader("HX-Refresh")).isEqualTo("true");
            assertThat(r.getResponse().getContentAsString()).doesNotContain("<form");
        } else {
            assertThat(r.getResponse().getStatus()).isEqualTo(302);
            assertThat(r.getResponse().getRedirectedUrl()).endsWith("/login");
        }
    }

    @Test
    void expiredSessionPostFromHtmxRefreshes() throws Exception {
        mvc.perform(post("/apps").header("HX-Request", "true").header("X-CSRF-TOKEN", "stale-token").param("name", "x"))
                .andExpect(status().isForbidden()).andExpect(header().string("HX-Refresh", "true"));
    }

    @Test
    void loginPageAndFormLoginWithTheConfiguredAdmin() throws Exception {
        String page = mvc.perform(get("/login")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("name=\"_csrf\"").contains("Sign in");
        mvc.perform(formLogin("/login").user("admin").password(ServerTest.ADMIN_PASSWORD)).andExpect(redirectedUrl("/"));
        mvc.perform(formLogin("/login").user("admin").password("wrong")).andExpect(redirectedUrl("/login?error"));
    }

    @Test
    void pagesCarryStrictContentSecurityPolicyAndCsrfForHtmx() throws Exception {
        var r = mvc.perform(get("/").with(viewer())).andExpect(status().isOk()).andReturn();
        assertThat(r.getResponse().getHeader("Content-Security-Policy")).contains("script-src 'self'")
                .doesNotContain("unsafe-eval");
        String body = r.getResponse().getContentAsString();
        assertThat(body).contains("hx-headers=\"{&quot;X-CSRF-TOKEN&quot;:&quot;");
        assertThat(body).doesNotContain("onclick").doesNotContain("hx-on").doesNotContain("<script>");
        mvc.perform(get("/css/console.css")).andExpect(status().isOk());
        mvc.perform(get("/webjars/htmx.org/dist/htmx.min.js")).andExpect(status().isOk());
    }
}
