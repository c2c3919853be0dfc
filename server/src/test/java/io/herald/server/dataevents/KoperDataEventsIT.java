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
}
