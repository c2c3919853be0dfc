package io.herald.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.test.web.servlet.MvcResult;

/** Bindings and their processors. */
class ConsoleBindingsIT extends ConsoleTestSupport {

    @ParameterizedTest
    @EnumSource(Mode.class)
    void previewShowsWhichTypesMatch(Mode mode) throws Exception {
        String topic = newTopic(newApp(), "order-created", "order-paid", "refund");

        String body = mvc.perform(mode.apply(get("/bindings/preview")).with(editor())
                        .param("topic", topic).param("kind", "REGEX").param("typePattern", "order-.*"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(body).contains("2 of 3 declared types");
        if (mode.htmx()) {
            assertThat(body.strip()).startsWith("<div id=\"binding-preview\"");
        } else {
            assertShape(body, mode);
            assertThat(body).contains("New binding");
        }
        String invalid = mvc.perform(mode.apply(get("/bindings/preview")).with(editor())
                        .param("topic", topic).param("kind", "REGEX").param("typePattern", "order-("))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(invalid).contains("not a valid regular expression");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void createsBindingAndShowsErrorsInline(Mode mode) throws Exception {
        String app = newApp();
        String topic = newTopic(app, "order-created");
        String group = unique("g");

        MvcResult r = mvc.perform(mode.apply(post("/bindings")).with(editor()).with(csrf())
                .param("app", app).param("group", group).param("topic", topic).param("kind", "DIRECT")
                .param("typePattern", "order-created").param("deliveryLimit", "7")).andReturn();

        assertThat(r.getResponse().getStatus()).isEqualTo(mode.htmx() ? 200 : 302);
        var created = admin.get("/bindings?group=" + group).json().get(0);
        assertThat(created.get("deliveryLimit").asInt()).isEqualTo(7);
        assertThat(created.get("kind").asString()).isEqualTo("DIRECT");

        String body = mvc.perform(mode.apply(post("/bindings")).with(editor()).with(csrf())
                        .param("app", app).param("group", unique("g")).param("topic", topic).param("kind", "DIRECT")
                        .param("typePattern", "nope").param("backoffMultiplier", "50"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(body).contains("id=\"err-backoffMultiplier\"").contains("must be between 1.0 and 10.0");

        String missing = mvc.perform(mode.apply(post("/bindings")).with(editor()).with(csrf())
                        .param("app", app).param("group", unique("g")).param("topic", "no-such-topic").param("kind", "FANOUT"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(missing).contains("id=\"err-topic\"").contains("does not exist");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void listAndDetailShowTheBindingIdAndItsApiAddresses(Mode mode) throws Exception {
        String app = newApp();
        String topic = newTopic(app);
        String group = unique("g");
        long id = newBinding(app, topic, group);

        String list = mvc.perform(mode.apply(get("/bindings").param("group", group)).with(viewer())).andReturn().getResponse()
                .getContentAsString();
        assertThat(list).contains("<th class=\"num\">Id</th>").contains("<code>" + id + "</code>");
        String detail = mvc.perform(mode.apply(get("/bindings/" + id)).with(viewer())).andReturn().getResponse().getContentAsString();
        assertThat(detail).contains("/api/v1/bindings/" + id).contains("/api/v1/bindings/" + group + "/" + topic);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aRestrictedTopicNotGrantingTheAppIsRefusedUnderTopicAndABlockedBindingShowsBlocked(Mode mode) throws Exception {
        String owner = newApp();
        String other = newApp();
        String topic = newTopic(owner);
        long id = newBinding(other, topic, unique("g"));
        assertThat(admin.patch("/topics/" + topic, java.util.Map.of("consumerPolicy", "RESTRICTED")).status()).isEqualTo(200);

        String refused = mvc.perform(mode.apply(post("/bindings")).with(editor()).with(csrf())
                        .param("app", other).param("group", unique("g")).param("topic", topic).param("kind", "FANOUT"))
                .andExpect(status().isForbidden()).andReturn().getResponse().getContentAsString();
        assertThat(refused).contains("id=\"err-topic\"").contains("RESTRICTED").contains("may grant it");
        assertThat(admin.get("/bindings?app=" + other).json().size()).isEqualTo(1);

        String detail = mvc.perform(get("/bindings/" + id).with(editor())).andReturn().getResponse().getContentAsString();
        assertThat(detail).contains(">blocked</span>").doesNotContain("/bindings/" + id + "/pause");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pausesAndResumes(Mode mode) throws Exception {
        String app = newApp();
        long id = newBinding(app, newTopic(app), unique("g"));

        MvcResult r = mvc.perform(mode.apply(post("/bindings/" + id + "/pause")).with(editor()).with(csrf())).andReturn();

        assertThat(admin.get("/bindings/" + id).json().get("paused").asBoolean()).isTrue();
        if (mode.htmx()) {
            assertThat(r.getResponse().getContentAsString()).contains("binding-status").contains("Resume")
                    .doesNotContain("<section");
        } else {
            assertThat(r.getResponse().getRedirectedUrl()).isEqualTo("/bindings/" + id);
        }
        mvc.perform(mode.apply(post("/bindings/" + id + "/resume")).with(editor()).with(csrf()));
        assertThat(admin.get("/bindings/" + id).json().get("paused").asBoolean()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void editsRetryPolicyButNotGroupOrTopic(Mode mode) throws Exception {
        String app = newApp();
        String topic = newTopic(app, "x");
        String group = unique("g");
        long id = newBinding(app, topic, group);

        mvc.perform(mode.apply(post("/bindings/" + id)).with(editor()).with(csrf())
                        .param("group", "other-group").param("topic", "other-topic")
                        .param("kind", "REGEX").param("typePattern", "x.*").param("deliveryLimit", "9").param("backoffMillis", "500")
                        .param("backoffMultiplier", "1.5").param("backoffMaxMillis", "10000").param("concurrency", "2"))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());

        var b = admin.get("/bindings/" + id).json();
        assertThat(b.get("group").asString()).isEqualTo(group);
        assertThat(b.get("topic").asString()).isEqualTo(topic);
        assertThat(b.get("kind").asString()).isEqualTo("REGEX");
        assertThat(b.get("deliveryLimit").asInt()).isEqualTo(9);
        assertThat(b.get("concurrency").asInt()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void setsTheDedupeWindowAsADurationShowsItAndRefusesMoreThanADayInline(Mode mode) throws Exception {
        String app = newApp();
        String topic = newTopic(app, "x");
        long id = newBinding(app, topic, unique("g"));

        mvc.perform(mode.apply(post("/bindings/" + id)).with(editor()).with(csrf())
                        .param("kind", "FANOUT").param("dedupeWindowMillis", "10m"))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());

        assertThat(admin.get("/bindings/" + id).json().get("dedupeWindowMillis").asLong()).isEqualTo(600_000);
        String detail = mvc.perform(mode.apply(get("/bindings/" + id)).with(viewer())).andReturn().getResponse().getContentAsString();
        assertThat(detail).contains("Dedupe window").contains("10 min per instance, by message id");
        String edit = mvc.perform(mode.apply(get("/bindings/" + id + "/edit")).with(editor())).andReturn().getResponse()
                .getContentAsString();
        assertThat(edit).contains("name=\"dedupeWindowMillis\"").contains("value=\"10m\"");

        String tooLong = mvc.perform(mode.apply(post("/bindings/" + id)).with(editor()).with(csrf())
                        .param("kind", "FANOUT").param("dedupeWindowMillis", "2d"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(tooLong).contains("id=\"err-dedupeWindowMillis\"").contains("(24 hours)");
        assertThat(admin.get("/bindings/" + id).json().get("dedupeWindowMillis").asLong()).isEqualTo(600_000);

        mvc.perform(mode.apply(post("/bindings/" + id)).with(editor()).with(csrf()).param("kind", "FANOUT")
                        .param("dedupeWindowMillis", ""))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        assertThat(admin.get("/bindings/" + id).json().get("dedupeWindowMillis").isNull()).as("empty turns it off").isTrue();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void listAndDetail(Mode mode) throws Exception {
        String app = newApp();
        String group = unique("g");
        long id = newBinding(app, newTopic(app), group);

        String list = mvc.perform(mode.apply(get("/bindings").param("group", group)).with(viewer()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertShape(list, mode);
        assertThat(list).contains(group).doesNotContain(">Pause<");

        String detail = mvc.perform(mode.apply(get("/bindings/" + id)).with(editor()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(detail).contains(group).contains("Pause").contains("/bindings/" + id + "/processor/new");
    }

    @org.junit.jupiter.api.Test
    void processorPageShowsTheGroupsLagReadFromKafka() throws Exception {
        String app = newApp();
        String topic = newTopic(app, "x");
        long binding = newBinding(app, topic, unique("g"));
        try (io.herald.server.dispatch.Endpoint endpoint = new io.herald.server.dispatch.Endpoint()) {
            // given a paused processor and three records waiting for it
            var created = admin.post("/processors", java.util.Map.of("bindingId", binding, "address", endpoint.url(), "paused", true));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            long id = created.json().get("id").asLong();
            java.util.Map<String, Object> config = java.util.Map.of("bootstrap.servers", io.herald.server.support.TestInfra.kafkaBootstrap());
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(config,
                    new org.apache.kafka.common.serialization.ByteArraySerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                for (int i = 0; i < 3; i++) {
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "k".getBytes(), "{}".getBytes())).get();
                }
            }

            // then its page (and the live panel re-read every 2 s) shows them as its lag
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(mvc.perform(Mode.HTMX.apply(get("/processors/" + id)).with(viewer())).andExpect(status().isOk())
                            .andReturn().getResponse().getContentAsString())
                            .containsPattern("id=\"live-lag\">3 records not pushed yet \\(read from Kafka \\d+ s ago\\)"));

            // when it is resumed, the records are pushed and the lag falls to 0
            assertThat(admin.patch("/processors/" + id, java.util.Map.of("paused", false)).status()).isEqualTo(200);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> endpoint.count() >= 3);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(mvc.perform(get("/processors/" + id).with(viewer())).andExpect(status().isOk())
                            .andReturn().getResponse().getContentAsString()).contains("0 records not pushed yet"));
            admin.delete("/processors/" + id);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void grpcProcessorTakesExtraRetryStatusesByNameAndShowsThem(Mode mode) throws Exception {
        String app = newApp();
        long binding = newBinding(app, newTopic(app), unique("g"));

        String refused = mvc.perform(mode.apply(post("/bindings/" + binding + "/processor")).with(editor()).with(csrf())
                        .param("protocol", "GRPC").param("address", "127.0.0.1:7070").param("timeoutMillis", "1000")
                        .param("retryStatusCodes", "404"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(refused).contains("id=\"err-retryStatusCodes\"").contains("gRPC status codes");
        String unknown = mvc.perform(mode.apply(post("/bindings/" + binding + "/processor")).with(editor()).with(csrf())
                        .param("protocol", "GRPC").param("address", "127.0.0.1:7070").param("timeoutMillis", "1000")
                        .param("retryStatusCodes", "NOT_THERE"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(unknown).contains("id=\"err-retryStatusCodes\"").contains("NOT_THERE");

        mvc.perform(mode.apply(post("/bindings/" + binding + "/processor")).with(editor()).with(csrf())
                        .param("protocol", "GRPC").param("address", "127.0.0.1:7070").param("timeoutMillis", "1000")
                        .param("retryStatusCodes", "not_found, 13"))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        var p = admin.get("/processors?app=" + app).json().get(0);
        long id = p.get("id").asLong();
        assertThat(p.get("retryStatusCodes").toString()).isEqualTo("[5,13]");
        assertThat(mvc.perform(mode.apply(get("/processors/" + id)).with(viewer())).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString())
                .contains("UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, NOT_FOUND (5), INTERNAL (13)");
        assertThat(mvc.perform(mode.apply(get("/processors/" + id + "/edit")).with(editor())).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString()).contains("value=\"NOT_FOUND, INTERNAL\"");
        admin.delete("/processors/" + id);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void createsEditsPausesAndDeletesAProcessor(Mode mode) throws Exception {
        String app = newApp();
        long binding = newBinding(app, newTopic(app), unique("g"));

        String invalid = mvc.perform(mode.apply(post("/bindings/" + binding + "/processor")).with(editor()).with(csrf())
                        .param("protocol", "HTTP").param("address", "ftp://nope").param("timeoutMillis", "1000"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(invalid).contains("id=\"err-address\"").contains("http:// or https://");

        MvcResult r = mvc.perform(mode.apply(post("/bindings/" + binding + "/processor")).with(editor()).with(csrf())
                .param("protocol", "HTTP").param("address", "https://billing.example/events").param("timeoutMillis", "2000")
                .param("retryCount", "4").param("retryIntervalMillis", "250").param("concurrency", "2")).andReturn();
        assertThat(r.getResponse().getStatus()).isEqualTo(mode.htmx() ? 200 : 302);
        var p = admin.get("/processors?app=" + app).json().get(0);
        long id = p.get("id").asLong();
        assertThat(p.get("bindingId").asLong()).isEqualTo(binding);
        assertThat(p.get("retryCount").asInt()).isEqualTo(4);
        assertThat(mvc.perform(mode.apply(get("/processors/" + id)).with(editor())).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString())
                .contains("Live on this instance").contains("id=\"processor-live\"").contains("hx-trigger=\"every 2s\"");

        mvc.perform(mode.apply(post("/processors/" + id)).with(editor()).with(csrf())
                        .param("protocol", "HTTP").param("address", "https://billing.example/v2").param("timeoutMillis", "3000")
                        .param("retryCount", "1").param("retryIntervalMillis", "100").param("concurrency", "1"))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        assertThat(admin.get("/processors/" + id).json().get("address").asString()).isEqualTo("https://billing.example/v2");

        String badCodes = mvc.perform(mode.apply(post("/processors/" + id)).with(editor()).with(csrf())
                        .param("protocol", "HTTP").param("address", "https://billing.example/v2").param("timeoutMillis", "3000")
                        .param("retryCount", "1").param("retryIntervalMillis", "100").param("concurrency", "1")
                        .param("retryStatusCodes", "404, 503"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(badCodes).contains("id=\"err-retryStatusCodes\"").contains("4xx");
        mvc.perform(mode.apply(post("/processors/" + id)).with(editor()).with(csrf())
                        .param("protocol", "HTTP").param("address", "https://billing.example/v2").param("timeoutMillis", "3000")
                        .param("retryCount", "1").param("retryIntervalMillis", "100").param("concurrency", "1")
                        .param("retryStatusCodes", "409, 404"))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        assertThat(admin.get("/processors/" + id).json().get("retryStatusCodes").toString()).isEqualTo("[404,409]");

        String paused = mvc.perform(mode.apply(post("/processors/" + id + "/pause")).with(editor()).with(csrf()))
                .andReturn().getResponse().getContentAsString();
        assertThat(admin.get("/processors/" + id).json().get("paused").asBoolean()).isTrue();
        if (mode.htmx()) {
            assertThat(paused).contains("processor-status").contains("Resume");
        }

        String detail = mvc.perform(mode.apply(get("/processors/" + id)).with(viewer()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(detail).contains("https://billing.example/v2").doesNotContain("/processors/" + id + "/edit");
        assertThat(detail).contains("429, 404, 409");

        mvc.perform(mode.apply(get("/processors/" + id + "/delete")).with(editor())).andExpect(status().isOk());
        mvc.perform(mode.apply(post("/processors/" + id + "/delete")).with(editor()).with(csrf()))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        assertThat(admin.get("/processors/" + id).status()).isEqualTo(404);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void deletesBindingAfterConfirmation(Mode mode) throws Exception {
        String app = newApp();
        long id = newBinding(app, newTopic(app), unique("g"));

        String confirm = mvc.perform(mode.apply(get("/bindings/" + id + "/delete")).with(editor()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(confirm).contains("Delete binding");
        mvc.perform(mode.apply(post("/bindings/" + id + "/delete")).with(editor()).with(csrf()))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        assertThat(admin.get("/bindings/" + id).status()).isEqualTo(404);
    }
}
