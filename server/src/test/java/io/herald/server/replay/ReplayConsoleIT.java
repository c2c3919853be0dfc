package io.herald.server.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.HeraldTopics;
import io.herald.sdk.wire.Timepoint;
import io.herald.server.support.ServerTest;
import io.herald.server.trace.TraceFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/** The trace and replay console pages, as a browser and as htmx asks for them. */
class ReplayConsoleIT extends ServerTest {

    enum Mode {
        PLAIN, HTMX;

        MockHttpServletRequestBuilder apply(MockHttpServletRequestBuilder b) {
            return this == HTMX ? b.header("HX-Request", "true") : b;
        }
    }

    private static final DateTimeFormatter INPUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    @Autowired
    WebApplicationContext context;
    MockMvc mvc;

    @BeforeEach
    void mockMvc() {
        mvc = MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
    }

    static RequestPostProcessor editor() {
        return io.herald.server.support.MockConsoleUsers.signedIn("editor", "EDITOR", true);
    }

    static RequestPostProcessor blindViewer() {
        return io.herald.server.support.MockConsoleUsers.signedIn("viewer", "VIEWER", false);
    }

    private MockHttpServletResponse page(Mode mode, MockHttpServletRequestBuilder b, RequestPostProcessor who) throws Exception {
        return mvc.perform(mode.apply(b).with(who)).andReturn().getResponse();
    }

    private static void shape(String body, Mode mode) {
        if (mode == Mode.HTMX) {
            assertThat(body).doesNotContain("<html").doesNotContain("<nav");
        } else {
            assertThat(body).contains("<!DOCTYPE html>").contains("<nav");
        }
    }

    /** App, topic with a FANOUT group, one record with a hostile payload, its SENT and a DEAD_LETTERED timepoint. */
    private record Traced(ReplayIT.Setup setup, String id, RecordMetadata meta) {
    }

    private Traced traced() throws Exception {
        ReplayIT.Setup s = ReplayFixtures.setup(admin);
        String id = unique("msg");
        ProducerRecord<String, String> r = new ProducerRecord<>(s.topic(), null, System.currentTimeMillis() - 60_000, "cust-<b>1</b>",
                "<script>alert('x')</script>");
        r.headers().add(HeraldHeaders.CE_ID, id.getBytes(StandardCharsets.UTF_8));
        r.headers().add(HeraldHeaders.CE_TYPE, "x".getBytes(StandardCharsets.UTF_8));
        RecordMetadata meta = ReplayIT.producer().send(r).get(60, TimeUnit.SECONDS);
        long now = System.currentTimeMillis();
        TraceFixtures.ship(new Timepoint(id, Timepoint.SENT, now - 50, s.topic(), "x", "cust-<b>1</b>", s.appA(), null, "i-1",
                        meta.partition(), meta.offset(), meta.timestamp(), 2L, null, null, null, null),
                new Timepoint(id, Timepoint.RECEIVED, now - 40, s.topic(), "x", "cust-<b>1</b>", s.appA(), s.groupA(), "i-2",
                        meta.partition(), meta.offset(), null, null, 1, null, null, null),
                new Timepoint(id, Timepoint.DEAD_LETTERED, now - 30, s.topic(), "x", "cust-<b>1</b>", s.appA(), s.groupA(), "i-2",
                        meta.partition(), meta.offset(), null, null, 1, "java.lang.IllegalStateException: <no>", null, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/messages/" + id + "/trace").json().path("timeline").size() == 3);
        return new Traced(s, id, meta);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void findsAMessageByKeyAndShowsItsTimelineWithTheEscapedPayload(Mode mode) throws Exception {
        Traced t = traced();
        MockHttpServletResponse found = page(mode, get("/traces").param("key", "cust-<b>1</b>"), editor());
        assertThat(found.getStatus()).isEqualTo(200);
        shape(found.getContentAsString(), mode);
        assertThat(found.getContentAsString()).contains(t.id()).contains("DEAD_LETTERED").contains("cust-&lt;b&gt;1&lt;/b&gt;")
                .doesNotContain("cust-<b>1</b>");

        MockHttpServletResponse byId = page(mode, get("/traces").param("id", t.id()), editor());
        if (mode == Mode.HTMX) {
            assertThat(byId.getHeader("HX-Location")).contains("/traces/messages/" + t.id());
        } else {
            assertThat(byId.getRedirectedUrl()).isEqualTo("/traces/messages/" + t.id());
        }

        MockHttpServletResponse message = page(mode, get("/traces/messages/" + t.id()), editor());
        String body = message.getContentAsString();
        assertThat(message.getStatus()).isEqualTo(200);
        shape(body, mode);
        assertThat(body).contains("id=\"timeline\"").contains("SENT").contains("RECEIVED").contains("+10 ms")
                .contains(t.setup().groupA()).contains("java.lang.IllegalStateException: &lt;no&gt;")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;").doesNotContain("<script>alert")
                .contains("Replay this message");

        MockHttpServletResponse blind = page(mode, get("/traces/messages/" + t.id()), blindViewer());
        assertThat(blind.getStatus()).isEqualTo(200);
        assertThat(blind.getContentAsString()).contains("id=\"timeline\"").doesNotContain("alert(").doesNotContain("cust-&lt;b")
                .doesNotContain("Replay this message");
        assertThat(page(mode, get("/traces/messages/nope-" + t.id()), editor()).getStatus()).isEqualTo(404);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aReplayIsPlannedThenStartedAndItsProgressPolledUntilDone(Mode mode) throws Exception {
        ReplayIT.Setup s = ReplayFixtures.setup(admin);
        long base = System.currentTimeMillis() - 600_000;
        ReplayIT.produce(s.topic(), "c", 12, base);
        MockHttpServletResponse form = page(mode, get("/replays/new").param("topic", s.topic()), editor());
        assertThat(form.getStatus()).isEqualTo(200);
        assertThat(form.getContentAsString()).contains("Dry run").contains(s.groupA());

        MockHttpServletResponse plan = page(mode, post("/replays/plan").with(csrf()).param("topic", s.topic())
                .param("from", INPUT.format(Instant.ofEpochMilli(base))).param("to", INPUT.format(Instant.ofEpochMilli(base + 10_000)))
                .param("target", "group").param("group", s.groupA()), editor());
        assertThat(plan.getStatus()).isEqualTo(200);
        assertThat(plan.getContentAsString()).contains("id=\"replay-plan\"").contains("<strong>10</strong>").contains("Start replay");

        MockHttpServletResponse started = page(mode, post("/replays").with(csrf()).param("topic", s.topic())
                .param("from", INPUT.format(Instant.ofEpochMilli(base))).param("to", INPUT.format(Instant.ofEpochMilli(base + 10_000)))
                .param("target", "group").param("group", s.groupA()), editor());
        String location = mode == Mode.HTMX ? started.getHeader("HX-Location") : started.getRedirectedUrl();
        assertThat(location).contains("/replays/");
        long id = Long.parseLong(location.replaceAll(".*/replays/(\\d+).*", "$1"));
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/replays/" + id).json().get("state").asString().equals("DONE"));

        MockHttpServletResponse job = page(mode, get("/replays/" + id), editor());
        shape(job.getContentAsString(), mode);
        assertThat(job.getContentAsString()).contains("id=\"replay-progress\"").contains("value=\"100\"").contains("DONE")
                .doesNotContain("hx-trigger=\"every 1s\"");
        MockHttpServletResponse live = page(Mode.HTMX, get("/replays/" + id + "/progress"), editor());
        assertThat(live.getContentAsString()).startsWith("<div").contains("id=\"replay-live\"").doesNotContain("<nav");
        assertThat(live.getContentAsString()).as("copied and written, no repeats").contains("10 copied · 10 written")
                .doesNotContain("id=\"replay-repeated\"");
        assertThat(page(mode, get("/replays"), blindViewer()).getContentAsString()).contains("/replays/" + id);

        // errors beside the fields
        MockHttpServletResponse bad = page(mode, post("/replays/plan").with(csrf()).param("topic", s.topic()).param("from", "soon")
                .param("target", "group").param("group", "nobody"), editor());
        assertThat(bad.getContentAsString()).contains("must be a date and time in UTC, like 2026-01-31 14:00:00");
        MockHttpServletResponse noGroup = page(mode, post("/replays/plan").with(csrf()).param("topic", s.topic())
                .param("from", INPUT.format(Instant.ofEpochMilli(base))).param("target", "group").param("group", "nobody"), editor());
        assertThat(noGroup.getContentAsString()).contains("has no binding on topic");
    }

    @Test
    void aRunningReplayIsCancelledFromItsPageWhichPollsMeanwhile() throws Exception {
        ReplayIT.Setup s = ReplayFixtures.setup(admin);
        long base = System.currentTimeMillis() - 600_000;
        ReplayIT.produce(s.topic(), "k", 60, base);
        long id = admin.post("/replays", Map.of("topic", s.topic(), "from", String.valueOf(base), "target", Map.of("group", s.groupA()),
                "ratePerSecond", 5)).json().get("id").asLong();
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/replays/" + id).json().get("state").asString().equals("RUNNING"));
        String running = page(Mode.PLAIN, get("/replays/" + id), editor()).getContentAsString();
        assertThat(running).contains("hx-trigger=\"every 1s\"").contains("Cancel replay");

        MockHttpServletResponse cancel = page(Mode.HTMX, post("/replays/" + id + "/cancel").with(csrf()), editor());
        assertThat(cancel.getHeader("HX-Location")).contains("/replays/" + id);
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/replays/" + id).json().get("state").asString().equals("CANCELLED"));
        assertThat(page(Mode.PLAIN, get("/replays/" + id), editor()).getContentAsString()).contains("CANCELLED").doesNotContain("Cancel replay");
    }

    @Test
    void deadLettersAreListedAndRedrivenFromTheConsole() throws Exception {
        ReplayIT.Setup s = ReplayFixtures.setup(admin);
        String dlt = s.topic() + "." + s.groupA() + ".dlt";
        ProducerRecord<String, String> r = new ProducerRecord<>(dlt, 0, null, "k", "{}");
        r.headers().add(HeraldHeaders.CE_ID, "dead-1".getBytes(StandardCharsets.UTF_8));
        r.headers().add(HeraldHeaders.DLT_REASON, "EXHAUSTED".getBytes(StandardCharsets.UTF_8));
        RecordMetadata meta = ReplayIT.producer().send(r).get(60, TimeUnit.SECONDS);
        long binding = admin.get("/bindings?group=" + s.groupA()).json().get(0).get("id").asLong();

        String listed = page(Mode.PLAIN, get("/dead-letters").param("binding", String.valueOf(binding)), editor()).getContentAsString();
        assertThat(listed).contains("dead-1").contains("EXHAUSTED").contains("Redrive selected");

        MockHttpServletResponse redrive = page(Mode.PLAIN, post("/dead-letters/redrive").with(csrf())
                .param("binding", String.valueOf(binding)).param("records", meta.partition() + ":" + meta.offset()), editor());
        long id = Long.parseLong(redrive.getRedirectedUrl().replaceAll(".*/replays/(\\d+).*", "$1"));
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/replays/" + id).json().get("state").asString().equals("DONE"));
        assertThat(page(Mode.PLAIN, get("/replays/" + id), editor()).getContentAsString()).contains("dead-1").contains("COPIED");
        assertThat(ReplayIT.ids(ReplayFixtures.readAll(HeraldTopics.replay(s.groupA())))).containsExactly("dead-1");
    }

    @Test
    void viewersMayLookButNotReplay() throws Exception {
        Traced t = traced();
        mvc.perform(get("/replays/new").with(blindViewer())).andExpect(status().isForbidden());
        for (String path : List.of("/replays", "/replays/plan", "/replays/1/cancel", "/replays/messages/" + t.id(), "/dead-letters/redrive")) {
            mvc.perform(post(path).with(blindViewer()).with(csrf()).param("target", "topic")).andExpect(status().isForbidden());
        }
        mvc.perform(post("/replays/messages/" + t.id()).with(editor()).param("target", "topic")).andExpect(status().isForbidden());
        MockHttpServletResponse replayed = page(Mode.PLAIN, post("/replays/messages/" + t.id()).with(editor()).with(csrf())
                .param("target", "group:" + t.setup().groupA()), editor());
        assertThat(replayed.getRedirectedUrl()).startsWith("/replays/");
    }
}
