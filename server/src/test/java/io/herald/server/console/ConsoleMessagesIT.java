package io.herald.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConsoleMessagesIT extends ConsoleTestSupport {

    private static final String EVIL = "<img src=x onerror=alert(1)>";

    private void produce(String topic, String key, String type, String body) throws Exception {
        mvc.perform(post("/topics/" + topic + "/messages").with(editor()).with(csrf())
                        .param("key", key).param("type", type).param("contentType", "application/json").param("body", body))
                .andExpect(status().isFound());
    }

    private String browse(Mode mode, String topic, org.springframework.test.web.servlet.request.RequestPostProcessor user,
                          String... params) throws Exception {
        var b = mode.apply(get("/topics/" + topic + "/messages")).with(user);
        for (int i = 0; i < params.length; i += 2) {
            b.param(params[i], params[i + 1]);
        }
        return mvc.perform(b).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void producesAndShowsMessagesEscapedWithHeadersAndPrettyJson(Mode mode) throws Exception {
        String topic = newTopic(newApp(), "order-created");

        var r = mvc.perform(mode.apply(post("/topics/" + topic + "/messages")).with(editor()).with(csrf())
                .param("key", EVIL).param("type", "order-created").param("contentType", "application/json")
                .param("body", "{\"note\":\"" + EVIL + "\",\"n\":1}")).andReturn();
        assertThat(r.getResponse().getStatus()).isEqualTo(mode.htmx() ? 200 : 302);

        String page = browse(mode, topic, editor());
        assertThat(page).doesNotContain(EVIL);
        assertThat(page).contains("&lt;img src=x onerror=alert(1)&gt;");
        assertThat(page).contains("ce_specversion").contains("ce_type").contains("content-type").contains("ce_source");
        assertThat(page).contains("{\n  &quot;note&quot; : &quot;&lt;img");
        assertThat(page).contains("Re-produce");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void withoutMessageViewNoKeyHeaderOrPayloadLeavesTheServer(Mode mode) throws Exception {
        String topic = newTopic(newApp(), "t");
        produce(topic, "customer-4711", "t", "{\"iban\":\"DE-secret-payload\"}");

        String page = browse(mode, topic, editorWithoutMessageView(), "key", "customer-4711");

        assertThat(page).contains("message-view permission").contains("1 message(s) shown");
        assertThat(page).doesNotContain("customer-4711").doesNotContain("secret-payload").doesNotContain("ce_source")
                .doesNotContain("Re-produce");
        mvc.perform(mode.apply(get("/topics/" + topic + "/messages/0/0/reproduce")).with(editorWithoutMessageView()))
                .andExpect(status().isForbidden());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void filtersByKeyTypeOffsetAndTime(Mode mode) throws Exception {
        String topic = newTopic(newApp(), "a", "b");
        Instant before = Instant.now().minusSeconds(2);
        produce(topic, "k1", "a", "{\"v\":\"first-message\"}");
        produce(topic, "k2", "b", "{\"v\":\"second-message\"}");
        produce(topic, "k1", "b", "{\"v\":\"third-message\"}");

        assertThat(browse(mode, topic, editor(), "key", "k1")).contains("first-message").contains("third-message")
                .doesNotContain("second-message");
        assertThat(browse(mode, topic, editor(), "type", "b")).contains("second-message").contains("third-message")
                .doesNotContain("first-message");
        String from = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC).format(before);
        assertThat(browse(mode, topic, editor(), "mode", "time", "from", from)).contains("3 message(s) shown");
        assertThat(browse(mode, topic, editor(), "mode", "time", "from", "2999-01-01T00:00")).contains("No messages");
        assertThat(browse(mode, topic, editor(), "mode", "offset", "offset", "0", "limit", "20")).contains("3 message(s) shown");
        assertThat(browse(mode, topic, editor(), "mode", "offset", "offset", "x")).contains("id=\"err-offset\"");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void reproducesAnEditedCopyMarkedAsReplay(Mode mode) throws Exception {
        String topic = newTopic(newApp(), "t");
        produce(topic, "key-1", "t", "{\"v\":\"original\"}");
        String page = browse(Mode.PLAIN, topic, editor());
        String link = page.replaceAll("(?s).*href=\"(/topics/[^\"]+/reproduce)\".*", "$1");

        String form = mvc.perform(mode.apply(get(link)).with(editor())).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(form).contains("original").contains("key-1").contains("Re-produce a message");

        mvc.perform(mode.apply(post(link)).with(editor()).with(csrf()).param("key", "key-1").param("type", "t")
                        .param("contentType", "application/json").param("body", "{\"v\":\"edited\"}"))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        String after = browse(Mode.PLAIN, topic, editor());
        assertThat(after).contains("edited").contains("original").contains("herald-replay-of");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void invalidJsonIsAnInlineErrorAndNothingIsSent(Mode mode) throws Exception {
        String topic = newTopic(newApp(), "t");

        String body = mvc.perform(mode.apply(post("/topics/" + topic + "/messages")).with(editor()).with(csrf())
                        .param("type", "t").param("contentType", "application/json").param("body", "{oops"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(body).contains("id=\"err-body\"").contains("not valid JSON");
        assertThat(browse(Mode.PLAIN, topic, editor())).contains("No messages");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void producingChecksTypeSchemaAndSourceAsHttpIngestionDoesAndShowsItInline(Mode mode) throws Exception {
        // given a topic whose type has a JSON Schema
        String app = newApp();
        String topic = unique("topic");
        assertThat(admin.post("/topics", java.util.Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", java.util.List.of(java.util.Map.of("name", "order", "jsonSchema",
                        "{\"type\":\"object\",\"required\":[\"orderId\"]}"))))).extracting(r -> r.status()).isEqualTo(201);

        // when the console sends an undeclared type, a payload the schema refuses, and a source that is no producer
        String undeclared = mvc.perform(mode.apply(post("/topics/" + topic + "/messages")).with(editor()).with(csrf())
                        .param("type", "order-typo").param("source", app).param("contentType", "application/json").param("body", "{}"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        String invalid = mvc.perform(mode.apply(post("/topics/" + topic + "/messages")).with(editor()).with(csrf())
                        .param("type", "order").param("source", app).param("contentType", "application/json").param("body", "{\"n\":1}"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        String stranger = mvc.perform(mode.apply(post("/topics/" + topic + "/messages")).with(editor()).with(csrf())
                        .param("type", "order").param("source", "not-" + app).param("contentType", "application/json")
                        .param("body", "{\"orderId\":\"1\"}"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        // then each is the HTTP API's own error beside its field, and nothing reached the topic
        assertThat(undeclared).contains("id=\"err-type\"").contains("is not declared on topic");
        assertThat(invalid).contains("id=\"err-body\"").contains("does not match the schema of type &#39;order&#39;")
                .contains("orderId");
        assertThat(stranger).contains("id=\"err-source\"").contains("may not produce to topic");
        assertThat(browse(Mode.PLAIN, topic, editor())).contains("No messages");

        // and a payload the schema takes goes through
        mvc.perform(mode.apply(post("/topics/" + topic + "/messages")).with(editor()).with(csrf())
                        .param("type", "order").param("source", app).param("contentType", "application/json")
                        .param("body", "{\"orderId\":\"1\"}"))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        assertThat(browse(Mode.PLAIN, topic, editor())).contains("1 message(s) shown");
    }
}
