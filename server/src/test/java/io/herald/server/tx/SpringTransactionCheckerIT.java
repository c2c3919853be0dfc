package io.herald.server.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Herald;
import io.herald.sdk.Listen;
import io.herald.sdk.Message;
import io.herald.sdk.TransactionChecker;
import io.herald.sdk.TransactionResult;
import io.herald.sdk.TransactionState;
import io.herald.sdk.spring.HeraldAutoConfiguration;
import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A user's Spring Boot app with the Herald starter, against the real server, PostgreSQL and Kafka:
 * two-phase messages whose decision never reached the server are settled by the app's
 * {@code @Bean TransactionChecker}, and an app without one is told so.
 */
class SpringTransactionCheckerIT extends ServerTest {

    @Autowired
    MeterRegistry meters;

    private final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    @AfterEach
    void close() {
        apps.forEach(ConfigurableApplicationContext::close);
    }

    /** The app's own database: the orders its local transactions committed. */
    static final Set<String> COMMITTED_ORDERS = ConcurrentHashMap.newKeySet();

    /** Messages the app's listener received. */
    static final List<String> RECEIVED = new CopyOnWriteArrayList<>();

    static class OrderListener {
        @Listen(topic = "${orders.topic}", type = "order-created")
        void onOrder(Message<String> message) {
            RECEIVED.add(message.id());
        }
    }

    // Not @Configuration: @SpringBootTest would take a nested one for the server's own context.
    @ImportAutoConfiguration(HeraldAutoConfiguration.class)
    static class ShopWithChecker {
        @Bean
        TransactionChecker orderChecker() {
            return messageId -> COMMITTED_ORDERS.contains(messageId) ? TransactionState.COMMIT : TransactionState.ROLLBACK;
        }

        @Bean
        OrderListener orderListener() {
            return new OrderListener();
        }
    }

    // Not @Configuration: @SpringBootTest would take a nested one for the server's own context.
    @ImportAutoConfiguration(HeraldAutoConfiguration.class)
    static class ShopWithoutChecker {
    }

    private record Shop(String name, String key, String topic) {
    }

    private Shop shop(long checkIntervalMs) {
        String name = unique("shop");
        String key = admin.post("/apps", Map.of("name", name)).json().get("apiKey").asString();
        String topic = unique("shop-orders");
        Api.Response t = admin.post("/topics", Map.of("name", topic, "app", name, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "order-created"))));
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        Api.Response s = admin.send("PUT", "/producer-settings/" + name, Map.of("checkProtocol", "KAFKA",
                "checkIntervalMs", checkIntervalMs, "maxChecks", 1000));
        assertThat(s.status()).as(s.toString()).isEqualTo(200);
        return new Shop(name, key, topic);
    }

    private ConfigurableApplicationContext run(Class<?> app, Shop shop) throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(app).web(WebApplicationType.NONE)
                .properties("herald.app=" + shop.name(),
                        "herald.control-plane.url=" + baseUrl(),
                        "herald.control-plane.api-key=" + shop.key(),
                        "herald.kafka.bootstrap-servers=" + TestInfra.kafkaBootstrap(),
                        "herald.config-cache.dir=" + Files.createTempDirectory(Path.of("target"), "spring-tx").toString(),
                        "herald.consumer.poll-timeout-ms=100",
                        "herald.heartbeat.interval-ms=500",
                        "orders.topic=" + shop.topic())
                .run();
        apps.add(context);
        return context;
    }

    private String state(String id) {
        Api.Response r = admin.get("/transactions/" + id);
        return r.status() == 200 ? r.json().get("state").asString() : "HTTP " + r.status();
    }

    @Test
    void checkerBeanDeliversTheCommittedMessageWhoseDecisionWasWithheldAndNeverTheRolledBackOne() throws Exception {
        Shop shop = shop(300);
        Herald herald = run(ShopWithChecker.class, shop).getBean(Herald.class);

        // given: two local transactions, one commits and one rolls back, and neither tells Herald (UNKNOWN)
        TransactionResult committed = herald.sendTransactional(shop.topic(), "order-created", "order-1", "{\"id\":1}",
                messageId -> {
                    COMMITTED_ORDERS.add(messageId);
                    return TransactionState.UNKNOWN;
                });
        TransactionResult rolledBack = herald.sendTransactional(shop.topic(), "order-created", "order-2", "{\"id\":2}",
                messageId -> TransactionState.UNKNOWN);

        // then: the check-back asks the app's TransactionChecker bean, which settles both
        await().atMost(Duration.ofSeconds(60)).until(() -> state(committed.messageId()).equals("PUBLISHED")
                                                           && state(rolledBack.messageId()).equals("ROLLED_BACK"));
        assertThat(admin.get("/transactions/" + committed.messageId()).json().get("decidedBy").asString()).isEqualTo("check");
        await().atMost(Duration.ofSeconds(60)).until(() -> RECEIVED.contains(committed.messageId()));
        assertThat(PendingTransactions.idsOn(shop.topic())).containsExactly(committed.messageId());
        assertThat(RECEIVED).doesNotContain(rolledBack.messageId());
    }

    @Test
    void appWithoutACheckerIsToldSoAndItsUnansweredChecksAreCounted() throws Exception {
        Shop shop = shop(200);
        Herald herald = run(ShopWithoutChecker.class, shop).getBean(Herald.class);
        double before = meters.counter("herald.tx.checks.unanswered", "app", shop.name()).count();

        String id = herald.sendTransactional(shop.topic(), "order-created", "order-3", "{\"id\":3}",
                messageId -> TransactionState.UNKNOWN).messageId();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Api.Response pending = admin.get("/transactions?app=" + shop.name());
            assertThat(pending.json().size()).isEqualTo(1);
            assertThat(pending.json().at("/0/messageId").asString()).isEqualTo(id);
            assertThat(pending.json().at("/0/warning").asString())
                    .contains("No online instance of app '" + shop.name() + "' has a TransactionChecker");
            assertThat(meters.counter("herald.tx.checks.unanswered", "app", shop.name()).count()).isGreaterThan(before);
        });
        assertThat(admin.get("/transactions/" + id).json().get("warning").asString()).contains("TransactionChecker");
        assertThat(admin.get("/apps/" + shop.name() + "/instances").json().at("/0/transactionChecker").asBoolean()).isFalse();
    }
}
