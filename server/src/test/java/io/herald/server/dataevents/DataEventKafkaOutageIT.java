package io.herald.server.dataevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.outbox.Outbox;
import io.herald.server.support.Api;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import koper.demo.failing.DirectThingDao;
import koper.demo.failing.DirectThingListener;
import koper.demo.failing.OutboxSink;
import koper.demo.failing.OutboxThingDao;
import koper.demo.failing.OutboxThingListener;
import koper.demo.failing.Received;
import koper.demo.failing.ThingApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;

/**
 * The data-event contract of the sdk/README while Kafka is down, in a Spring Boot app with the starter:
 * the DAO's caller gets the DAO's result or its own exception, the lost events are counted and traced
 * FAILED, and with the outbox sink nothing is lost. Kafka is a broker of this test's own (the server and the
 * app both lose it), stopped and started again.
 */
class DataEventKafkaOutageIT {

    private static final String TOKEN = "data-event-outage-token";

    private static EmbeddedKafkaKraftBroker broker;
    private static ConfigurableApplicationContext server;
    private static final List<ConfigurableApplicationContext> apps = new ArrayList<>();
    private static Api admin;

    @BeforeAll
    static void start() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        String db = TestInfra.createDatabase("herald_data_outage_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        server = TestServers.start(db, broker.getBrokersAsString(), TOKEN, "--herald.dispatch.enabled=false");
        admin = TestServers.api(server, TOKEN);
    }

    @AfterAll
    static void stop() {
        apps.forEach(ConfigurableApplicationContext::close);
        if (server != null) {
            server.close();
        }
        if (broker != null) {
            broker.destroy();
        }
    }

    private static ConfigurableApplicationContext app(String app, String key, String db, Class<?>... sources) throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(sources).web(WebApplicationType.NONE)
                .properties("herald.app=" + app,
                        "herald.control-plane.url=http://127.0.0.1:" + TestServers.port(server),
                        "herald.control-plane.api-key=" + key,
                        "herald.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                        "herald.config-cache.dir=" + Files.createTempDirectory(Path.of("target"), "outage").toString(),
                        "herald.consumer.poll-timeout-ms=100",
                        // a call waits for Kafka at most this long (default 2 minutes) before its event counts as lost
                        "herald.producer.delivery-timeout-ms=3000",
                        "herald.producer.max-block-ms=1000",
                        "herald.kafka.properties.request.timeout.ms=2000",
                        "demo.db.url=" + db,
                        "demo.db.user=" + TestInfra.dbUser(),
                        "demo.db.password=" + TestInfra.dbPassword())
                .run();
        apps.add(context);
        return context;
    }

    @Test
    void whileKafkaIsDownTheDaoCallerGetsTheDaosOutcomeAndTheOutboxKeepsTheEvents() throws Exception {
        // given: two apps with nothing but a @DataObject DAO and its @DataListener; the second writes data events
        // through the outbox (a DataEventSink bean)
        String direct = "direct-" + UUID.randomUUID().toString().substring(0, 8);
        String viaOutbox = "outbox-" + UUID.randomUUID().toString().substring(0, 8);
        String directKey = admin.post("/apps", Map.of("name", direct)).json().get("apiKey").asString();
        String outboxKey = admin.post("/apps", Map.of("name", viaOutbox)).json().get("apiKey").asString();
        String appDb = TestInfra.createDatabase("data_outage_app_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        ConfigurableApplicationContext directApp = app(direct, directKey, appDb, ThingApp.class, DirectThingDao.class,
                DirectThingListener.class);
        ConfigurableApplicationContext outboxApp = app(viaOutbox, outboxKey, appDb, ThingApp.class, OutboxSink.class,
                OutboxThingDao.class, OutboxThingListener.class);
        DirectThingDao directDao = directApp.getBean(DirectThingDao.class);
        OutboxThingDao outboxDao = outboxApp.getBean(OutboxThingDao.class);
        Outbox outbox = outboxApp.getBean(Outbox.class);
        // both deliver while Kafka is up
        assertThat(directDao.insertThing("before")).isEqualTo("stored before");
        assertThat(outboxDao.insertThing("before")).isEqualTo("stored before");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(Received.EVENTS)
                .contains("outage-direct:insertThing:before", "outage-outbox:insertThing:before"));

        // when: Kafka goes away
        broker.getCluster().brokers().values().forEach(b -> {
            b.shutdown();
            b.awaitShutdown();
        });
        long from = System.currentTimeMillis() - 1000;

        // then: each caller gets the DAO's own result and exception
        assertThat(directDao.insertThing("during")).isEqualTo("stored during");
        assertThatThrownBy(() -> directDao.insertThing("")).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("id is required");
        assertThat(outboxDao.insertThing("during")).isEqualTo("stored during");
        assertThatThrownBy(() -> outboxDao.insertThing("")).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("id is required");
        // the sender's events are counted as lost; the outbox's are rows waiting for Kafka
        MeterRegistry meters = directApp.getBean(MeterRegistry.class);
        for (String type : List.of("insertThing", "insertThing_X")) {
            double failed = meters.find("herald.data-events.failed").tags("topic", "data.outage-direct", "type", type)
                    .counters().stream().mapToDouble(Counter::count).sum();
            assertThat(failed).as("herald.data-events.failed for " + type).isEqualTo(1.0);
        }
        assertThat(outboxApp.getBean(MeterRegistry.class).find("herald.data-events.failed").counters()).isEmpty();
        assertThat(outbox.pending()).isEqualTo(2);

        // when: Kafka is back
        broker.getCluster().brokers().values().forEach(b -> b.startup());
        broker.getCluster().waitForReadyBrokers();

        // then: the outbox's events arrive, the one of the call that threw too
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(Received.EVENTS).contains(
                "outage-outbox:insertThing:during", "outage-outbox:insertThing_X::java.lang.IllegalArgumentException"));
        assertThat(outbox.pending()).isZero();
        // the sender's lost events were not sent late behind the caller's back
        assertThat(Received.EVENTS).doesNotContain("outage-direct:insertThing:during");
        // and their FAILED timepoints reach the trace store once Kafka is back, unless the trace producer gave up
        // on them during the outage: then herald.trace.dropped counts them, so none is gone without a trace
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            JsonNode failed = admin.get("/traces?topic=data.outage-direct&status=failed&from=" + Instant.ofEpochMilli(from))
                    .json().get("items");
            List<String> types = new ArrayList<>();
            failed.forEach(m -> types.add(m.get("type").asString()));
            double dropped = meters.find("herald.trace.dropped").tags("reason", "send-failed").functionCounters()
                    .stream().mapToDouble(io.micrometer.core.instrument.FunctionCounter::count).sum();
            assertThat(types).isSubsetOf("insertThing", "insertThing_X").doesNotHaveDuplicates();
            assertThat(types.size() + dropped).as("FAILED timepoints stored %s plus dropped %s", types, dropped)
                    .isGreaterThanOrEqualTo(2);
        });
    }
}
