package io.herald.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.test.web.servlet.MvcResult;

class ConsoleTopicsIT extends ConsoleTestSupport {

    @ParameterizedTest
    @EnumSource(Mode.class)
    void listsAndSearchesTopics(Mode mode) throws Exception {
        String app = newApp();
        String topic = newTopic(app, "order-created");

        String body = mvc.perform(mode.apply(get("/topics").param("q", topic)).with(viewer()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertShape(body, mode);
        assertThat(body).contains(topic).contains("order-created").contains("id=\"topic-results\"");
        String none = mvc.perform(mode.apply(get("/topics").param("q", "no-such-topic-xyz")).with(viewer()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(none).contains("No topic matches");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void createsTopicWithTypesAndSchema(Mode mode) throws Exception {
        String app = newApp();
        String name = unique("t");

        MvcResult r = mvc.perform(mode.apply(post("/topics")).with(editor()).with(csrf())
                        .param("name", name).param("app", app).param("partitions", "2").param("replicationFactor", "1")
                        .param("description", "Invoices")
                        .param("types[0].name", "").param("types[0].description", "")
                        .param("types[1].name", "invoice-issued").param("types[1].jsonSchema", "{\"type\":\"object\"}"))
                .andReturn();

        if (mode.htmx()) {
            assertThat(r.getResponse().getStatus()).isEqualTo(200);
            assertThat(r.getResponse().getHeader("HX-Location")).contains("/topics/" + name).contains("#main");
        } else {
            assertThat(r.getResponse().getStatus()).isEqualTo(302);
            assertThat(r.getResponse().getRedirectedUrl()).isEqualTo("/topics/" + name);
        }
        var created = admin.get("/topics/" + name).json();
        assertThat(created.get("partitions").asInt()).isEqualTo(2);
        assertThat(created.at("/types/0/name").asString()).isEqualTo("invoice-issued");
        assertThat(created.at("/types/0/jsonSchema/type").asString()).isEqualTo("object");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void invalidNameShowsInlineErrorAndCreatesNothing(Mode mode) throws Exception {
        String app = newApp();

        String body = mvc.perform(mode.apply(post("/topics")).with(editor()).with(csrf())
                        .param("name", "bad name!").param("app", app).param("partitions", "1"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(body).contains("id=\"err-name\"").contains("may contain only letters, digits");
        assertThat(body).contains("value=\"bad name!\"");
        if (mode.htmx()) {
            assertThat(body).startsWith("<form").doesNotContain("<nav");
        } else {
            assertShape(body, mode);
        }
        assertThat(admin.get("/topics?q=bad%20name").json().get("total").asLong()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void typeErrorsLandOnTheirRowEvenAfterBlankRows(Mode mode) throws Exception {
        String app = newApp();

        String body = mvc.perform(mode.apply(post("/topics")).with(editor()).with(csrf())
                        .param("name", unique("t")).param("app", app)
                        .param("types[0].name", "")
                        .param("types[1].name", "ok-type").param("types[1].jsonSchema", "{not json"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        assertThat(body).contains("id=\"err-types-1-jsonSchema\"").contains("is not valid JSON");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void schemasThatBreakTheMetaSchemaAreRefusedBesideTheirFieldNamingThePath(Mode mode) throws Exception {
        // given
        String app = newApp();
        String topic = newTopic(app);
        mvc.perform(mode.apply(post("/topics/" + topic + "/types")).with(editor()).with(csrf()).param("name", "paid"))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        String name = unique("t");

        // when: a new topic's type, a type added and a type edited get schemas that validate nothing or refuse everything
        String created = mvc.perform(mode.apply(post("/topics")).with(editor()).with(csrf())
                        .param("name", name).param("app", app)
                        .param("types[0].name", "order").param("types[0].jsonSchema", "{\"required\":\"orderId\"}"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        String added = mvc.perform(mode.apply(post("/topics/" + topic + "/types")).with(editor()).with(csrf())
                        .param("name", "refund").param("jsonSchema", "{\"properties\":5}"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        String edited = mvc.perform(mode.apply(post("/topics/" + topic + "/types/paid")).with(editor()).with(csrf())
                        .param("description", "").param("jsonSchema", "{\"type\":42}"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();

        // then: each error stands beside its schema field and names the path at fault; nothing was stored
        assertThat(created).contains("id=\"err-types-0-jsonSchema\"").contains("not a valid JSON Schema").contains("/required: ");
        assertThat(added).contains("id=\"err-jsonSchema\"").contains("not a valid JSON Schema").contains("/properties: ");
        assertThat(edited).contains("id=\"err-jsonSchema\"").contains("not a valid JSON Schema").contains("/type: ");
        assertThat(admin.get("/topics/" + name).status()).isEqualTo(404);
        assertThat(admin.get("/topics/" + topic + "/types").json().size()).isEqualTo(1);
        assertThat(admin.get("/topics/" + topic + "/types").json().get(0).path("jsonSchema").isMissingNode()
                || admin.get("/topics/" + topic + "/types").json().get(0).path("jsonSchema").isNull()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void addTypeRowWithoutJavaScriptCreatesNothing(Mode mode) throws Exception {
        String app = newApp();
        String name = unique("t");

        String body = mvc.perform(mode.apply(post("/topics")).with(editor()).with(csrf())
                        .param("name", name).param("app", app).param("types[0].name", "a").param("addType", "1"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(body).contains("name=\"types[1].name\"");
        assertThat(admin.get("/topics/" + name).status()).isEqualTo(404);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void detailShowsCatalogKafkaAndLiveFragment(Mode mode) throws Exception {
        String app = newApp();
        String topic = newTopic(app, "a", "b");
        newBinding(app, topic, unique("g"));

        String body = mvc.perform(mode.apply(get("/topics/" + topic)).with(viewer()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertShape(body, mode);
        assertThat(body).contains("In sync").contains("Partitions and consumers").contains("hx-trigger=\"every 5s\"");
        assertThat(body).doesNotContain("/topics/" + topic + "/edit").doesNotContain("Add a message type");

        String live = mvc.perform(mode.apply(get("/topics/" + topic + "/kafka")).with(viewer()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(live).contains("id=\"topic-live\"").contains("Start offset");
        if (mode.htmx()) {
            assertThat(live.strip()).startsWith("<section");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void editorSeesEditActions(Mode mode) throws Exception {
        String topic = newTopic(newApp());

        String body = mvc.perform(mode.apply(get("/topics/" + topic)).with(editor()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();

        assertThat(body).contains("/topics/" + topic + "/edit").contains("hx-confirm=").contains("Add a message type");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void editsTopicAndRefusesFewerPartitions(Mode mode) throws Exception {
        String app = newApp();
        String topic = newTopic(app);

        mvc.perform(mode.apply(post("/topics/" + topic)).with(editor()).with(csrf())
                        .param("app", app).param("partitions", "3").param("retentionMs", "3600000").param("description", "changed"))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        var after = admin.get("/topics/" + topic).json();
        assertThat(after.get("partitions").asInt()).isEqualTo(3);
        assertThat(after.get("description").asString()).isEqualTo("changed");

        String body = mvc.perform(mode.apply(post("/topics/" + topic)).with(editor()).with(csrf())
                        .param("app", app).param("partitions", "1").param("retentionMs", "3600000"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(body).contains("id=\"err-partitions\"").contains("cannot be lowered");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void setsATopicsTraceSampleRateAndShowsABadOneInline(Mode mode) throws Exception {
        String app = newApp();
        String topic = newTopic(app);

        mvc.perform(mode.apply(post("/topics/" + topic)).with(editor()).with(csrf())
                        .param("app", app).param("partitions", "2").param("retentionMs", "3600000").param("traceSampleRate", "0.1"))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        assertThat(admin.get("/topics/" + topic).json().get("traceSampleRate").asDouble()).isEqualTo(0.1);
        assertThat(mvc.perform(get("/topics/" + topic + "/edit").with(editor())).andReturn().getResponse().getContentAsString())
                .contains("name=\"traceSampleRate\"").contains("value=\"0.1\"");
        assertThat(mvc.perform(get("/topics/" + topic).with(editor())).andReturn().getResponse().getContentAsString())
                .contains("<dt>Trace sampling</dt><dd>0.1</dd>");
        assertThat(mvc.perform(get("/topics/new").with(editor())).andReturn().getResponse().getContentAsString())
                .contains("name=\"traceSampleRate\"").contains("id=\"sample-hint\"");

        String body = mvc.perform(mode.apply(post("/topics/" + topic)).with(editor()).with(csrf())
                        .param("app", app).param("partitions", "2").param("retentionMs", "3600000").param("traceSampleRate", "7"))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(body).contains("id=\"err-traceSampleRate\"").contains("between 0 and 1");
        assertThat(admin.get("/topics/" + topic).json().get("traceSampleRate").asDouble()).isEqualTo(0.1);

        // an empty field: back to the server's default
        mvc.perform(mode.apply(post("/topics/" + topic)).with(editor()).with(csrf())
                        .param("app", app).param("partitions", "2").param("retentionMs", "3600000").param("traceSampleRate", ""))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        assertThat(admin.get("/topics/" + topic).json().has("traceSampleRate")).isFalse();
        assertThat(mvc.perform(get("/topics/" + topic).with(editor())).andReturn().getResponse().getContentAsString())
                .contains("server default: 1.0, at most 100 traces a second per SDK instance");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void restrictsATopicToChosenConsumersAndShowsABadPolicyInline(Mode mode) throws Exception {
        String app = newApp();
        String consumer = newApp();
        String topic = newTopic(app);
        assertThat(mvc.perform(get("/topics/" + topic + "/edit").with(editor())).andReturn().getResponse().getContentAsString())
                .contains("name=\"consumerPolicy\"").contains("name=\"consumers\"");

        mvc.perform(mode.apply(post("/topics/" + topic)).with(editor()).with(csrf())
                        .param("app", app).param("partitions", "2").param("retentionMs", "3600000")
                        .param("consumerPolicy", "RESTRICTED").param("consumers", consumer))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        var after = admin.get("/topics/" + topic).json();
        assertThat(after.get("consumerPolicy").asString()).isEqualTo("RESTRICTED");
        assertThat(after.get("consumers").get(0).asString()).isEqualTo(consumer);
        // the edit form shows what is set, so saving it again keeps it
        assertThat(mvc.perform(get("/topics/" + topic + "/edit").with(editor())).andReturn().getResponse().getContentAsString())
                .contains("<option value=\"RESTRICTED\" selected=\"selected\">")
                .containsPattern("<option value=\"" + java.util.regex.Pattern.quote(consumer) + "\" selected=\"selected\">");
        String page = mvc.perform(get("/topics/" + topic).with(editor())).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("Restricted").contains(", " + consumer);

        String body = mvc.perform(mode.apply(post("/topics/" + topic)).with(editor()).with(csrf())
                        .param("app", app).param("partitions", "2").param("retentionMs", "3600000")
                        .param("consumerPolicy", "SECRET").param("consumers", consumer))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(body).contains("id=\"err-consumerPolicy\"").contains("must be OPEN");
        assertThat(admin.get("/topics/" + topic).json().get("consumerPolicy").asString()).isEqualTo("RESTRICTED");

        // the new-topic form takes them too
        assertThat(mvc.perform(get("/topics/new").with(editor())).andReturn().getResponse().getContentAsString())
                .contains("name=\"consumerPolicy\"").contains("<option value=\"OPEN\" selected=\"selected\">");
        String created = unique("t");
        mvc.perform(mode.apply(post("/topics")).with(editor()).with(csrf())
                        .param("name", created).param("app", app).param("partitions", "1").param("replicationFactor", "1")
                        .param("consumerPolicy", "RESTRICTED").param("consumers", consumer))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        var made = admin.get("/topics/" + created).json();
        assertThat(made.get("consumerPolicy").asString()).isEqualTo("RESTRICTED");
        assertThat(made.get("consumers").get(0).asString()).isEqualTo(consumer);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void addsEditsAndDeletesTypes(Mode mode) throws Exception {
        String topic = newTopic(newApp());

        mvc.perform(mode.apply(post("/topics/" + topic + "/types")).with(editor()).with(csrf())
                .param("name", "paid").param("description", "Paid")).andExpect(mode.htmx() ? status().isOk() : status().isFound());
        String dup = mvc.perform(mode.apply(post("/topics/" + topic + "/types")).with(editor()).with(csrf()).param("name", "paid"))
                .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();
        assertThat(dup).contains("id=\"err-name\"").contains("already declared");

        mvc.perform(mode.apply(post("/topics/" + topic + "/types/paid")).with(editor()).with(csrf())
                .param("description", "Paid orders").param("jsonSchema", "{\"type\":\"object\"}"))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        assertThat(admin.get("/topics/" + topic + "/types").body()).contains("Paid orders");

        mvc.perform(get("/topics/" + topic + "/types/paid/delete").with(editor())).andExpect(status().isOk());
        mvc.perform(mode.apply(post("/topics/" + topic + "/types/paid/delete")).with(editor()).with(csrf()))
                .andExpect(mode.htmx() ? status().isOk() : status().isFound());
        assertThat(admin.get("/topics/" + topic + "/types").json().size()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void deletesAfterConfirmationAndExplainsWhyNot(Mode mode) throws Exception {
        String app = newApp();
        String topic = newTopic(app);
        String bound = newTopic(app);
        newBinding(app, bound, unique("g"));

        String confirm = mvc.perform(mode.apply(get("/topics/" + topic + "/delete")).with(editor()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(confirm).contains("Delete topic").contains("action=\"/topics/" + topic + "/delete\"");

        mvc.perform(mode.apply(post("/topics/" + topic + "/delete")).with(editor()).with(csrf()))
                .andExpect(mode.htmx() ? header().exists("HX-Location") : redirectedUrl("/topics"));
        assertThat(admin.get("/topics/" + topic).status()).isEqualTo(404);

        String refused = mvc.perform(mode.apply(post("/topics/" + bound + "/delete")).with(editor()).with(csrf()))
                .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();
        assertThat(refused).contains("binding");
        assertThat(admin.get("/topics/" + bound).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void unknownTopicIsANotFoundPageOrToast(Mode mode) throws Exception {
        MvcResult r = mvc.perform(mode.apply(get("/topics/no-such-topic-here")).with(viewer()))
                .andExpect(status().isNotFound()).andReturn();
        if (mode.htmx()) {
            assertThat(r.getResponse().getHeader("HX-Retarget")).isEqualTo("#toast");
        } else {
            assertThat(r.getResponse().getContentAsString()).contains("does not exist").contains("<nav");
        }
    }
}
