package io.herald.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;

import io.herald.server.support.Api;
import io.herald.server.support.MockConsoleUsers;
import io.herald.server.support.ServerTest;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * Console tests run in the shared server context (no extra Spring context): MockMvc is built from
 * it with the real security filter chain. Each controller test runs in both modes: a plain browser
 * request and an htmx request.
 */
abstract class ConsoleTestSupport extends ServerTest {

    /** How a page is asked for. */
    enum Mode {
        PLAIN, HTMX;

        MockHttpServletRequestBuilder apply(MockHttpServletRequestBuilder b) {
            return this == HTMX ? b.header("HX-Request", "true") : b;
        }

        boolean htmx() {
            return this == HTMX;
        }
    }

    @Autowired
    WebApplicationContext context;

    MockMvc mvc;

    @BeforeEach
    void mockMvc() {
        mvc = MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
    }

    static RequestPostProcessor adminUser() {
        return MockConsoleUsers.signedIn("admin", "ADMIN", true);
    }

    static RequestPostProcessor editor() {
        return MockConsoleUsers.signedIn("editor", "EDITOR", true);
    }

    static RequestPostProcessor editorWithoutMessageView() {
        return MockConsoleUsers.signedIn("blind-editor", "EDITOR", false);
    }

    static RequestPostProcessor viewer() {
        return MockConsoleUsers.signedIn("viewer", "VIEWER", false);
    }

    String newApp() {
        String name = unique("app");
        Api.Response r = admin.post("/apps", Map.of("name", name, "owner", "team"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return name;
    }

    String newTopic(String app, String... types) {
        String name = unique("topic");
        List<Map<String, Object>> typeList = Stream.of(types).map(t -> Map.<String, Object>of("name", t)).toList();
        Api.Response r = admin.post("/topics", Map.of("name", name, "app", app, "partitions", 2, "replicationFactor", 1,
                "types", typeList));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return name;
    }

    long newBinding(String app, String topic, String group) {
        Api.Response r = admin.post("/bindings", Map.of("app", app, "group", group, "topic", topic, "kind", "FANOUT"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    /** A whole page has the frame; a fragment has not. */
    static void assertShape(String body, Mode mode) {
        if (mode.htmx()) {
            assertThat(body).doesNotContain("<html").doesNotContain("<nav");
        } else {
            assertThat(body).contains("<!DOCTYPE html>").contains("<nav");
        }
    }
}
