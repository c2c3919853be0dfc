package io.herald.server.dataevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import koper.demo.bad.BadListenerApp;
import koper.demo.bad.ListenerOfMissingClass;
import koper.demo.bad.ListenerOfPlainClass;
import koper.demo.dataevent.KoperDemoApp;
import koper.demo.dataevent.Received;
import koper.demo.dataevent.service.OrderService;
import koper.demo.failing.GoneThingDao;
import koper.demo.failing.ThingApp;
import koper.demo.member.MemberDemoApp;
import koper.demo.member.dao.MemberDao;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldConfigException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Koper user's Spring Boot app moved to Herald ({@code koper.demo.dataevent}: {@code @DataObject
 * OrderDao}, {@code OrderDaoImpl} on PostgreSQL, listeners as Koper's README writes them), with the
 * starter, against the real server, PostgreSQL and Kafka.
 */
class KoperDataEventsIT extends ServerTest {

    /** One app for the class: the topic {@code data.order-dao} is named by the DAO, so one app owns it. */
    private static String app;
    private static String key;

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @AfterEach
    void close() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }

    private void koperApp() {
        if (app == null) {
            app = unique("koper-demo");
            key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        }
    }

    /** What a user had to do by hand before Herald derived it from the @DataObject. */
    private void handMadeOrderTopic() {
        koperApp();
        Api.Response t = admin.post("/topics", Map.of("name", "data.order-dao", "app", app, "partitions", 1,
                "replicationFactor", 1, "types", List.of(Map.of("name", "insertOrder"), Map.of("name", "insertOrder_X"),
                        Map.of("name", "updateOrder"), Map.of("name", "updateOrder_X"))));
        assertThat(t.status()).as(t.toString()).isIn(201, 409);
    }

    private ConfigurableApplicationContext run(Class<?>... sources) throws Exception {
        koperApp();
        return run(app, key, sources);
    }

    private ConfigurableApplicationContext run(String app, String key, Class<?>... sources) throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(sources).web(WebApplicationType.NONE)
                .properties("herald.app=" + app,
                        "herald.control-plane.url=" + baseUrl(),
                        "herald.control-plane.api-key=" + key,
                        "herald.kafka.bootstrap-servers=" + TestInfra.kafkaBootstrap(),
                        "herald.config-cache.dir=" + Files.createTempDirectory(Path.of("target"), "koper").toString(),
                        "herald.consumer.poll-timeout-ms=100",
                        "herald.heartbeat.interval-ms=500",
                        "demo.db.url=" + TestInfra.databaseUrl(),
                        "demo.db.user=" + TestInfra.dbUser(),
                        "demo.db.password=" + TestInfra.dbPassword())
                .run();
        contexts.add(context);
        return context;
    }

    @Test
    void listenersNamingTheImplementationItsNameOrTheInterfaceAllReceiveTheDaosEvents() throws Exception {
        handMadeOrderTopic();
        ConfigurableApplicationContext context = run(KoperDemoApp.class);
        String orderNo = unique("order");

        // when: the demo's service, which injects OrderDaoImpl itself, inserts an order
        String returned = context.getBean(OrderService.class).placeOrder(orderNo);

        // then: every listener gets it, whichever way it names the data object
        assertThat(returned).isEqualTo(orderNo);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(Received.EVENTS).contains(
                "by-name:insertOrder:" + orderNo, "by-impl-class:insertOrder:" + orderNo, "by-interface:insertOrder:" + orderNo));
        assertThat(admin.get("/bindings?app=" + app).body()).doesNotContain("data.order-dao-impl");
    }

    @ParameterizedTest
    @CsvSource({
            "koper.demo.bad.ListenerOfPlainClass, koper.demo.bad.PlainOrderDaoImpl is not a @DataObject",
            "koper.demo.bad.ListenerOfMissingClass, \"koper.demo.dataevent.dao.impl.OrderDaoImp\" names no class"})
    void listenerNamingNoDataObjectFailsStartUpNamingIt(String listener, String message) {
        Class<?> listenerClass = listener.endsWith("PlainClass") ? ListenerOfPlainClass.class : ListenerOfMissingClass.class;

        assertThatThrownBy(() -> run(BadListenerApp.class, listenerClass))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message).hasMessageContaining(listener);
    }

    @Test
    void aDaoAndAListenerAloneGetTheirEventsWithNoTopicOrTypeMadeByHand() throws Exception {
        // given: a new app, and no topic data.member-dao in the catalog
        String memberApp = unique("member-demo");
        String memberKey = admin.post("/apps", Map.of("name", memberApp)).json().get("apiKey").asString();
        assertThat(admin.get("/topics/data.member-dao").status()).isEqualTo(404);

        // when: Koper's member demo (one @DataObject DAO, one @DataListener, the starter) starts and calls its DAO
        ConfigurableApplicationContext context = run(memberApp, memberKey, MemberDemoApp.class);
        MemberDao members = context.getBean(MemberDao.class);
        String id = unique("m");
        assertThat(members.insertMember(id, "Ann")).isEqualTo(1);
        assertThat(members.deleteMember(id)).isEqualTo(1);

        // then: the listener gets every event
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(koper.demo.member.Received.EVENTS).contains(
                "member:insertMember:" + id + ":Ann", "member:beforeDeleteMember:" + id, "member:deleteMember:" + id));
        assertThat(context.getBean(MeterRegistry.class).find("herald.data-events.failed").counters()).isEmpty();
        // the server made the topic, owned by the app, with one type per event, in Kafka too
        JsonNode topic = admin.get("/topics/data.member-dao").json();
        assertThat(topic.get("app").asString()).isEqualTo(memberApp);
        List<String> types = new ArrayList<>();
        topic.get("types").forEach(t -> types.add(t.get("name").asString()));
        assertThat(types).containsExactlyInAnyOrder("insertMember", "insertMember_X", "deleteMember", "deleteMember_X",
                "beforeDeleteMember");
        assertThat(topic.get("kafka").get("exists").asBoolean()).isTrue();
        // and the audit log says who made it
        JsonNode audit = admin.get("/audit?objectType=topic&objectId=data.member-dao").json();
        assertThat(audit).anySatisfy(e -> {
            assertThat(e.get("action").asString()).isEqualTo("create");
            assertThat(e.get("actor").asString()).isEqualTo("app:" + memberApp);
        });
    }

    @Test
    void aDataObjectWhoseTopicAnotherAppOwnsFailsStartUpNamingTopicAndReason() throws Exception {
        // given: data.koper-foreign belongs to another app, which lets nobody else produce to it
        koperApp();
        String owner = unique("owner");
        admin.post("/apps", Map.of("name", owner));
        Api.Response created = admin.post("/topics", Map.of("name", "data.koper-foreign", "app", owner, "partitions", 1,
                "replicationFactor", 1, "types", List.of(Map.of("name", "insertThing"))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        // a RESTRICTED topic the app may not even read: the start fails naming it, not retried as an outage
        assertThat(admin.patch("/topics/data.koper-foreign", Map.of("consumerPolicy", "RESTRICTED")).status()).isEqualTo(200);
        assertThatThrownBy(() -> run(ThingApp.class, koper.demo.bad.ForeignTopicDao.class))
                .rootCause().isInstanceOf(HeraldConfigException.class)
                .hasMessageContaining("topic 'data.koper-foreign' of @DataObject koper.demo.bad.ForeignTopicDao")
                .hasMessageContaining("cannot be read by app '" + app + "' (403)").hasMessageContaining("RESTRICTED");
        assertThat(admin.patch("/topics/data.koper-foreign", Map.of("consumerPolicy", "OPEN")).status()).isEqualTo(200);

        // then: an app whose DAO would publish there does not start, and says why
        assertThatThrownBy(() -> run(ThingApp.class, koper.demo.bad.ForeignTopicDao.class))
                .rootCause().isInstanceOf(HeraldConfigException.class)
                .hasMessageContaining("topic 'data.koper-foreign' of @DataObject koper.demo.bad.ForeignTopicDao")
                .hasMessageContaining("belongs to app '" + owner + "' and app '" + app + "' is not one of its producers");

        // given: the owner lets it produce, but lacks a type its calls publish
        Api.Response producer = admin.patch("/topics/data.koper-foreign", Map.of("producers", List.of(app)));
        assertThat(producer.status()).as(producer.toString()).isEqualTo(200);
        assertThatThrownBy(() -> run(ThingApp.class, koper.demo.bad.ForeignTopicDao.class))
                .rootCause().isInstanceOf(HeraldConfigException.class)
                .hasMessageContaining("topic 'data.koper-foreign'")
                .hasMessageContaining("which has not declared the types [insertThing_X]");

        // when: the owner declares it, the app starts and its events arrive with nothing added by Herald
        assertThat(admin.post("/topics/data.koper-foreign/types", Map.of("name", "insertThing_X")).status()).isEqualTo(201);
        ConfigurableApplicationContext context = run(ThingApp.class, koper.demo.bad.ForeignTopicDao.class);
        assertThat(context.getBean(koper.demo.bad.ForeignTopicDao.class).insertThing("x")).isEqualTo("x");
        assertThat(context.getBean(MeterRegistry.class).find("herald.data-events.failed").counters()).isEmpty();
        assertThat(admin.get("/topics/data.koper-foreign").json().get("app").asString()).isEqualTo(owner);
    }

    /**
     * The sdk/README's contract: a data event that cannot be written (its type or its topic gone from the
     * catalog while the app runs) changes nothing for the DAO's caller; it is counted, traced FAILED, logged.
     */
    @ParameterizedTest
    @CsvSource({"type, UndeclaredTypeException", "topic, UnknownTopicException"})
    void aDataEventThatCannotBeWrittenLeavesTheDaosOutcomeToTheCaller(String removed, String exception) throws Exception {
        // given: the app runs, then an operator removes its type or its whole topic
        ConfigurableApplicationContext context = run(ThingApp.class, GoneThingDao.class);
        Herald herald = context.getBean(Herald.class);
        assertThat(admin.get("/topics/data.koper-gone").json().get("app").asString()).isEqualTo(app);
        if (removed.equals("type")) {
            assertThat(admin.delete("/topics/data.koper-gone/types/insertThing").status()).isEqualTo(204);
            assertThat(admin.delete("/topics/data.koper-gone/types/insertThing_X").status()).isEqualTo(204);
        } else {
            assertThat(admin.delete("/topics/data.koper-gone").status()).isEqualTo(204);
        }
        long version = admin.get("/config/" + app + "?since=0").json().get("version").asLong();
        await().atMost(Duration.ofSeconds(30)).until(() -> herald.configVersion() >= version);
        long from = System.currentTimeMillis() - 1000;
        GoneThingDao dao = context.getBean(GoneThingDao.class);

        // when / then: the caller gets the DAO's result and the DAO's own exception, nothing else
        assertThat(dao.insertThing("a")).isEqualTo("stored a");
        assertThatThrownBy(() -> dao.insertThing(" ")).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("id is required");

        // and each lost event is counted by cause
        MeterRegistry meters = context.getBean(MeterRegistry.class);
        for (String type : List.of("insertThing", "insertThing_X")) {
            Counter failed = meters.find("herald.data-events.failed").tags("topic", "data.koper-gone", "type", type,
                    "exception", exception).counter();
            assertThat(failed).as("herald.data-events.failed for " + type).isNotNull();
            assertThat(failed.count()).isEqualTo(1.0);
        }
        // and recorded as FAILED timepoints, naming the cause
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode failed = admin.get("/traces?topic=data.koper-gone&status=failed&from="
                    + java.time.Instant.ofEpochMilli(from)).json().get("items");
            List<String> types = new ArrayList<>();
            failed.forEach(m -> types.add(m.get("type").asString()));
            assertThat(types).contains("insertThing", "insertThing_X");
        });
    }
}
