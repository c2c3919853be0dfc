package io.herald.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.herald.server.console.Me;
import io.herald.server.support.MockConsoleUsers;
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
    String app;
    String topic;

    @BeforeEach
    void schedule() {
        mvc = MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
        app = unique("page");
        admin.post("/apps", Map.of("name", app));
        topic = unique("page-topic");
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
        MvcResult r = mvc.perform(request.with(MockConsoleUsers.signedIn("editor", "EDITOR", false))).andReturn();
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
                .with(MockConsoleUsers.signedIn("viewer", "VIEWER", false))).andReturn();
        assertThat(r.getResponse().getStatus()).isEqualTo(403);
    }

    private MvcResult submit(MockHttpServletRequestBuilder request, boolean htmx, Map<String, String> fields) throws Exception {
        if (htmx) {
            request.header("HX-Request", "true");
        }
        fields.forEach(request::param);
        return mvc.perform(request.with(csrf()).with(MockConsoleUsers.signedIn("editor", "EDITOR", false))).andReturn();
    }

    private Map<String, String> fields(String scheduleName) {
        Map<String, String> f = new java.util.LinkedHashMap<>();
        f.put("app", app);
        f.put("name", scheduleName);
        f.put("description", "");
        f.put("timing", "RATE");
        f.put("cron", "");
        f.put("fixedRateMillis", "90000");
        f.put("timeZone", "Europe/Berlin");
        f.put("startAt", "");
        f.put("endAt", "");
        f.put("maxCount", "5");
        f.put("topic", topic);
        f.put("type", "tick");
        f.put("key", "k-1");
        f.put("contentType", "application/json");
        f.put("payload", "{\"n\": 1}");
        f.put("misfirePolicy", "SKIP");
        return f;
    }

    @ParameterizedTest(name = "htmx={0}")
    @ValueSource(booleans = {false, true})
    void createsAScheduleFromTheFormShowingErrorsBesideTheFields(boolean htmx) throws Exception {
        String form = page(get("/schedules/new"), htmx);
        assertThat(form).contains("name=\"_csrf\"").contains("Create schedule").contains(app);

        Map<String, String> bad = fields(unique("bad"));
        bad.put("timing", "CRON");
        bad.put("cron", "every monday");
        bad.put("payload", "{not json");
        MvcResult refused = submit(post("/schedules"), htmx, bad);
        assertThat(refused.getResponse().getStatus()).isEqualTo(422);
        String html = refused.getResponse().getContentAsString();
        assertThat(html).contains("id=\"err-payload\"").contains("not valid JSON").contains("every monday");
        bad.put("payload", "{}");
        html = submit(post("/schedules"), htmx, bad).getResponse().getContentAsString();
        assertThat(html).contains("id=\"err-cron\"").contains("not a valid cron expression");

        String created = unique("every 90 s");
        MvcResult ok = submit(post("/schedules"), htmx, fields(created));
        assertThat(ok.getResponse().getStatus()).isEqualTo(htmx ? 200 : 302);
        var s = admin.get("/schedules?app=" + app).json();
        var mine = java.util.stream.StreamSupport.stream(s.spliterator(), false)
                .filter(n -> n.get("name").asString().equals(created)).findFirst().orElseThrow();
        assertThat(mine.get("fixedRateMillis").asLong()).isEqualTo(90_000);
        assertThat(mine.get("timeZone").asString()).isEqualTo("Europe/Berlin");
        assertThat(mine.get("maxCount").asLong()).isEqualTo(5);
        assertThat(mine.get("misfirePolicy").asString()).isEqualTo("SKIP");
        assertThat(mine.get("key").asString()).isEqualTo("k-1");
        assertThat(mine.get("payload").toString()).isEqualTo("{\"n\":1}");
        var audit = admin.get("/audit?objectType=schedule&objectId=" + mine.get("id").asLong()).json();
        assertThat(audit.get(0).get("action").asString()).isEqualTo("create");
        assertThat(audit.get(0).get("actor").asString()).isEqualTo("user:editor");
    }

    @Test
    void editsTheWholeScheduleAndAnEmptyFieldRemovesItsValue() throws Exception {
        String form = page(get("/schedules/" + id + "/edit"), false);
        assertThat(form).contains("0 0 3 * * *").contains("Save schedule");

        Map<String, String> f = fields(name);
        f.remove("app");
        f.put("timing", "CRON");
        f.put("cron", "0 30 8 * * MON-FRI");
        f.put("maxCount", "");
        f.put("key", "");
        f.put("endAt", "2999-01-01T00:00");
        MvcResult ok = submit(post("/schedules/" + id), true, f);
        assertThat(ok.getResponse().getStatus()).as(ok.getResponse().getContentAsString()).isEqualTo(200);
        var s = admin.get("/schedules/" + id).json();
        assertThat(s.get("cron").asString()).isEqualTo("0 30 8 * * MON-FRI");
        assertThat(s.has("fixedRateMillis")).isFalse();
        assertThat(s.has("maxCount")).isFalse();
        assertThat(s.has("key")).isFalse();
        assertThat(s.get("endAt").asString()).isEqualTo("2998-12-31T23:00:00Z");
        assertThat(s.get("upcoming").get(0).asString()).contains("T07:30:00Z");
        var audit = admin.get("/audit?objectType=schedule&objectId=" + id).json();
        assertThat(audit.get(0).get("action").asString()).isEqualTo("update");
    }

    @Test
    void viewerGetsNoScheduleForm() throws Exception {
        MvcResult r = mvc.perform(get("/schedules/new").with(MockConsoleUsers.signedIn("viewer", "VIEWER", false)))
                .andReturn();
        assertThat(r.getResponse().getStatus()).isEqualTo(403);
    }
    @ParameterizedTest(name = "htmx={0}")
    @ValueSource(booleans = {false, true})
    void unknownScheduleIsTheConsolesNotFoundPageOrToast(boolean htmx) throws Exception {
        for (String path : List.of("/schedules/987654321", "/schedules/not-a-number")) {
            MockHttpServletRequestBuilder request = get(path);
            if (htmx) {
                request.header("HX-Request", "true");
            }
            MvcResult r = mvc.perform(request.with(MockConsoleUsers.signedIn("editor", "EDITOR", false))).andReturn();

            assertThat(r.getResponse().getStatus()).as(path).isEqualTo(404);
            if (htmx) {
                assertThat(r.getResponse().getHeader("HX-Retarget")).isEqualTo("#toast");
                assertThat(r.getResponse().getContentAsString()).contains("Not found").doesNotContain("<html");
            } else {
                assertThat(r.getResponse().getContentAsString()).contains("Not found").contains("<nav");
            }
        }
    }

    @Test
    void schedulePagesSeeTheSignedInUserAsEveryConsolePageDoesWithMessageView() throws Exception {
        for (String path : List.of("/schedules", "/schedules/" + id)) {
            MvcResult r = mvc.perform(get(path).with(MockConsoleUsers.signedIn("reader", "VIEWER", true))).andReturn();

            assertThat(r.getResponse().getStatus()).as(path).isEqualTo(200);
            assertThat(r.getModelAndView().getModel().get("me")).as(path)
                    .isEqualTo(new Me("reader", "VIEWER", false, false, true));
        }
    }
}
