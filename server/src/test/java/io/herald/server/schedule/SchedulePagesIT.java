package io.herald.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.herald.server.support.ServerTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/** The console's schedule pages, as a browser and as htmx ask for them. */
class SchedulePagesIT extends ServerTest {

    @Autowired
    WebApplicationContext context;

    MockMvc mvc;
    long id;
    String name;

    @BeforeEach
    void schedule() {
        mvc = MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
        String app = unique("page");
        admin.post("/apps", Map.of("name", app));
        String topic = unique("page-topic");
        admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "tick"))));
        name = unique("nightly <cleanup>");
        var created = admin.post("/schedules", Map.of("app", app, "name", name.replace("<", "").replace(">", ""), "topic", topic,
                "type", "tick", "cron", "0 0 3 * * *", "payload", Map.of("note", "<b>not html</b>")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        id = created.json().get("id").asLong();
        name = created.json().get("name").asString();
    }

    private String page(MockHttpServletRequestBuilder request, boolean htmx) throws Exception {
        if (htmx) {
            request.header("HX-Request", "true");
        }
        MvcResult r = mvc.perform(request.with(user("editor").authorities(new SimpleGrantedAuthority("ROLE_EDITOR")))).andReturn();
        assertThat(r.getResponse().getStatus()).isEqualTo(200);
        return r.getResponse().getContentAsString();
    }

    @ParameterizedTest(name = "htmx={0}")
    @ValueSource(booleans = {false, true})
    void listShowsEachScheduleWithItsNextFireTime(boolean htmx) throws Exception {
        String html = page(get("/schedules"), htmx);
        assertThat(html).contains(name).contains("0 0 3 * * *").contains("Next fire").contains("Delayed events");
        assertThat(html.contains("<html")).isEqualTo(!htmx);
    }

    @ParameterizedTest(name = "htmx={0}")
    @ValueSource(booleans = {false, true})
    void detailShowsComingTicksHistoryAndEscapesThePayload(boolean htmx) throws Exception {
        String html = page(get("/schedules/" + id), htmx);
        assertThat(html).contains("Next fire times").contains("History").contains("03:00:00");
        assertThat(html).contains("&lt;b&gt;not html&lt;/b&gt;").doesNotContain("<b>not html</b>");
    }

    @Test
    void pauseAndResumeAnswerTheStatusFragmentForHtmx() throws Exception {
        String paused = page(post("/schedules/" + id + "/pause").with(csrf()), true);
        assertThat(paused).contains("paused").contains("Resume").doesNotContain("<html");
        assertThat(admin.get("/schedules/" + id).json().get("paused").asBoolean()).isTrue();
        String resumed = page(post("/schedules/" + id + "/resume").with(csrf()), true);
        assertThat(resumed).contains("active").contains("Pause");
    }

    @Test
    void viewerMayLookButNotPause() throws Exception {
        MvcResult r = mvc.perform(post("/schedules/" + id + "/pause").with(csrf())
                .with(user("viewer").authorities(new SimpleGrantedAuthority("ROLE_VIEWER")))).andReturn();
        assertThat(r.getResponse().getStatus()).isEqualTo(403);
    }
}
