package io.herald.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.herald.server.search.SearchFixtures;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.mock.web.MockHttpServletResponse;

/** The console's payload search job, live tail and downloads, as page and as htmx fragment. */
class ConsoleSearchIT extends ConsoleTestSupport {

    private static final String EVIL = "<img src=x onerror=alert(1)>";

    private String start(Mode mode, String topic, String... params) throws Exception {
        var b = mode.apply(post("/topics/" + topic + "/messages/search")).with(editor()).with(csrf());
        for (int i = 0; i < params.length; i += 2) {
            b.param(params[i], params[i + 1]);
        }
        MockHttpServletResponse r = mvc.perform(b).andReturn().getResponse();
        String location = mode.htmx() ? r.getHeader("HX-Location") : r.getRedirectedUrl();
        assertThat(location).as(r.getStatus() + " " + r.getContentAsString()).contains("job=");
        return location.replaceAll(".*job=([0-9a-f-]+).*", "$1");
    }

    private String page(Mode mode, String topic, String job, Integer seen) throws Exception {
        var b = mode.apply(get("/topics/" + topic + "/messages/search")).with(editor()).param("job", job);
        if (seen != null) {
            b.param("seen", String.valueOf(seen));
        }
        MockHttpServletResponse r = mvc.perform(b).andReturn().getResponse();
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        return r.getContentAsString();
    }

    private String ended(Mode mode, String topic, String job) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> page(mode, topic, job, null), p -> p.contains("data-state=\"ended\""));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void searchRunsAsAJobWhosePageShowsProgressAndEscapedHitsThatPollsFetchOnlyOnce(Mode mode) throws Exception {
        String topic = newTopic(newApp(), "t");
        SearchFixtures.bulk(topic, 2, 30, "t", i -> "{\"order\":{\"id\":\"o-" + i + "\"},\"note\":\""
                + (i % 10 == 3 ? EVIL + " findme" : "plain") + "\"}");

        String job = start(mode, topic, "text", "findme");
        String done = ended(mode, topic, job);

        assertThat(done).contains("30 of 30 records read").contains("3 hit(s)").contains("the whole range was read");
        assertThat(done).doesNotContain(EVIL).contains("&lt;img src=x onerror=alert(1)&gt; findme");
        assertThat(done).contains("Download hits as JSON Lines").contains("/traces/messages/id-k-");
        if (mode.htmx()) {
            // a poll after the three hits were seen brings none again; one from the start brings all three
            String poll = page(mode, topic, job, 3);
            assertThat(poll).contains("id=\"search-progress\"").doesNotContain("findme");
            assertThat(page(mode, topic, job, 0)).contains("hx-swap-oob=\"beforeend\"").contains("findme");
        }
        String jsonl = mvc.perform(get("/topics/" + topic + "/messages/search/hits.jsonl").param("job", job).with(editor()))
                .andReturn().getResponse().getContentAsString();
        assertThat(jsonl.lines().count()).isEqualTo(3);
        assertThat(jsonl.lines().toList()).allMatch(l -> l.contains("\"topic\":\"" + topic + "\"") && l.contains("findme")
                && l.contains("\"headers\":[") && l.contains("\"offset\":"));

        String byField = ended(mode, topic, start(mode, topic, "jsonPath", "$.order.id", "value", "o-13"));
        assertThat(byField).contains("1 hit(s)").contains("o-13");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void stopEndsARunningSearchBeforeTheEndOfItsRange(Mode mode) throws Exception {
        String topic = newTopic(newApp(), "t");
        SearchFixtures.bulk(topic, 2, 40_000, "t", i -> "{\"n\":" + i + ",\"pad\":\"................................\"}");

        String job = start(mode, topic, "text", "never-there", "maxScan", "1000000");
        mvc.perform(mode.apply(post("/topics/" + topic + "/messages/search/stop")).param("job", job).with(editor()).with(csrf()))
                .andReturn();

        String done = ended(mode, topic, job);
        assertThat(done).contains(" · stopped").doesNotContain("40,000 of 40,000");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void refusesABadJsonPathOrTimeBesideItsField(Mode mode) throws Exception {
        String topic = newTopic(newApp(), "t");
        var r = mvc.perform(mode.apply(post("/topics/" + topic + "/messages/search")).with(editor()).with(csrf())
                .param("jsonPath", "$.a[?(@.b)]").param("value", "1")).andReturn().getResponse();
        assertThat(r.getStatus()).isEqualTo(422);
        assertThat(r.getContentAsString()).contains("id=\"err-jsonPath\"").contains("is not a supported JSON path");
        r = mvc.perform(mode.apply(post("/topics/" + topic + "/messages/search")).with(editor()).with(csrf())
                .param("text", "x").param("from", "2026-02-02 00:00").param("to", "2026-02-01 00:00")).andReturn().getResponse();
        assertThat(r.getStatus()).isEqualTo(422);
        assertThat(r.getContentAsString()).contains("id=\"err-to\"").contains("must be after from");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void tailShowsWhatArrivedAfterItsCursorFilteredAndNothingWhilePaused(Mode mode) throws Exception {
        String topic = newTopic(newApp(), "t");
        SearchFixtures.send(topic, 0, System.currentTimeMillis(), "k-old", "t", "{\"v\":\"old-one\"}");

        String first = mvc.perform(mode.apply(get("/topics/" + topic + "/messages/tail")).with(editor())).andReturn().getResponse()
                .getContentAsString();
        assertThat(first).contains("old-one").contains("after=0:1,1:0");

        SearchFixtures.send(topic, 1, System.currentTimeMillis(), "k-new", "t", "{\"v\":\"new-one\"}");
        SearchFixtures.send(topic, 1, System.currentTimeMillis(), "k-other", "t", "{\"v\":\"other-one\"}");
        String poll = mvc.perform(get("/topics/" + topic + "/messages/tail").header("HX-Request", "true").with(editor())
                .param("after", "0:1,1:0").param("text", "new")).andReturn().getResponse().getContentAsString();
        assertThat(poll).contains("new-one").doesNotContain("old-one").doesNotContain("other-one").contains("after=0:1,1:2")
                .contains("hx-swap-oob=\"afterbegin\"");
        String paused = mvc.perform(get("/topics/" + topic + "/messages/tail").header("HX-Request", "true").with(editor())
                .param("after", "0:1,1:0").param("paused", "true")).andReturn().getResponse().getContentAsString();
        assertThat(paused).doesNotContain("new-one").contains("Resume").doesNotContain("hx-trigger");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void exportDownloadsTheShownMessagesAsJsonLines(Mode mode) throws Exception {
        String topic = newTopic(newApp(), "a", "b");
        SearchFixtures.send(topic, 0, System.currentTimeMillis(), "k1", "a", "{\"v\":\"first\"}");
        SearchFixtures.send(topic, 0, System.currentTimeMillis(), "k2", "b", "{\"v\":\"second\"}");

        var r = mvc.perform(mode.apply(get("/topics/" + topic + "/messages/export.jsonl")).with(editor()).param("type", "b"))
                .andReturn().getResponse();
        assertThat(r.getHeader("Content-Disposition")).contains("attachment").contains(".jsonl");
        assertThat(r.getContentType()).startsWith("application/x-ndjson");
        String body = r.getContentAsString();
        assertThat(body.lines().toList()).hasSize(1);
        assertThat(body).contains("\"key\":\"k2\"").contains("\"payload\":\"{\\\"v\\\":\\\"second\\\"}\"")
                .contains("\"partition\":0").contains("\"offset\":1").contains("\"timestamp\":");
        assertThat(mvc.perform(mode.apply(get("/topics/" + topic + "/messages/export.jsonl")).with(editor()).param("partition", "9"))
                .andReturn().getResponse().getStatus()).isEqualTo(422);
    }
}
