package io.herald.server.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.LocalTransactionException;
import io.herald.sdk.TransactionChecker;
import io.herald.sdk.TransactionResult;
import io.herald.sdk.TransactionState;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Two-phase messages end to end: the SDK against the real server, PostgreSQL and Kafka. A producer
 * crash between half message and decision is simulated in-process: the local transaction answers
 * UNKNOWN (so no decision is sent, exactly what a process dying there leaves behind) and that
 * producer's Herald is closed before another instance of the app, with a checker, starts.
 */
class TwoPhaseIT extends ServerTest {

    @Autowired
    MeterRegistry meters;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private record App(String name, String key, String topic) {
    }

    private App app(long checkIntervalMs, int maxChecks) {
        String name = unique("tx");
        String key = admin.post("/apps", Map.of("name", name)).json().get("apiKey").asString();
        String topic = unique("txorders");
        Api.Response t = admin.post("/topics", Map.of("name", topic, "app", name, "partitions", 2, "replicationFactor", 1,
                "types", List.of(Map.of("name", "order-created"))));
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        Api.Response s = admin.send("PUT", "/producer-settings/" + name, Map.of("checkProtocol", "KAFKA",
                "checkIntervalMs", checkIntervalMs, "maxChecks", maxChecks));
        assertThat(s.status()).as(s.toString()).isEqualTo(200);
        return new App(name, key, topic);
    }

    private Herald sdk(App app, TransactionChecker checker) throws Exception {
        Herald herald = Herald.builder().withAppName(app.name()).withControlPlane(baseUrl(), app.key())
                .withKafkaBootstrap(TestInfra.kafkaBootstrap())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, Files.createTempDirectory(Path.of("target"), "tx-cache").toString())
                .withSetting(HeraldSettings.CONSUMER_POLL_TIMEOUT_MS, 100)
                .withTransactionChecker(checker)
                .build();
        closeables.add(herald);
        return herald.start();
    }

    private String state(String id) {
        Api.Response r = admin.get("/transactions/" + id);
        return r.status() == 200 ? r.json().get("state").asString() : "HTTP " + r.status();
    }


    @Test
    void committedMessageIsPublishedOnceWithItsKeyAndRolledBackOnesNever() throws Exception {
        App app = app(60_000, 15);
        Herald producer = sdk(app, id -> TransactionState.UNKNOWN);

        TransactionResult committed = producer.sendTransactional(app.topic(), "order-created", "order-1", Map.of("id", 1),
                id -> TransactionState.COMMIT);
        TransactionResult rolledBack = producer.sendTransactional(app.topic(), "order-created", "order-2", Map.of("id", 2),
                id -> TransactionState.ROLLBACK);
        String[] failedId = new String[1];
        try {
            producer.sendTransactional(app.topic(), "order-created", "order-3", Map.of("id", 3), id -> {
                failedId[0] = id;
                throw new IllegalStateException("database down");
            });
        } catch (LocalTransactionException e) {
            assertThat(e.messageId()).isEqualTo(failedId[0]);
            assertThat(e.getCause()).hasMessage("database down");
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> state(committed.messageId()).equals("PUBLISHED"));
        await().atMost(Duration.ofSeconds(60)).until(() -> state(rolledBack.messageId()).equals("ROLLED_BACK")
                                                           && state(failedId[0]).equals("ROLLED_BACK"));
        assertThat(PendingTransactions.idsOn(app.topic())).containsExactly(committed.messageId());

        // the final record carries the producer's key, headers and payload, without the transaction's control headers
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = List.of(new TopicPartition(app.topic(), 0), new TopicPartition(app.topic(), 1));
            c.assign(parts);
            c.seekToBeginning(parts);
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(got::add);
                return !got.isEmpty();
            });
            ConsumerRecord<byte[], byte[]> r = got.get(0);
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("order-1");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
            assertThat(new String(r.headers().lastHeader(HeraldHeaders.CE_TYPE).value(), StandardCharsets.UTF_8)).isEqualTo("order-created");
            assertThat(new String(r.headers().lastHeader(HeraldHeaders.CE_SOURCE).value(), StandardCharsets.UTF_8)).isEqualTo(app.name());
            assertThat(r.headers().lastHeader(HeraldHeaders.TARGET_TOPIC)).isNull();
            assertThat(r.headers().lastHeader(HeraldHeaders.TX)).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TransactionState.class, names = {"COMMIT", "ROLLBACK"})
    void producerCrashBetweenHalfAndDecisionIsSettledByTheCheckBack(TransactionState answer) throws Exception {
        App app = app(300, 1000);
        // given: the first producer wrote the half message and died before deciding
        Herald crashed = Herald.builder().withAppName(app.name()).withControlPlane(baseUrl(), app.key())
                .withKafkaBootstrap(TestInfra.kafkaBootstrap())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, Files.createTempDirectory(Path.of("target"), "tx-cache").toString())
                .build();
        String id = crashed.sendTransactional(app.topic(), "order-created", "k", "payload", messageId -> TransactionState.UNKNOWN)
                .messageId();
        crashed.close();

        // then: it is pending, and the server keeps asking; with no live instance of the app those checks do not count
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Api.Response pending = admin.get("/transactions?app=" + app.name());
            assertThat(pending.json().size()).isEqualTo(1);
            assertThat(pending.json().at("/0/messageId").asString()).isEqualTo(id);
            assertThat(pending.json().at("/0/awayChecks").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(pending.json().at("/0/awaySince").isNull()).isFalse();
            assertThat(pending.json().at("/0/ageMs").asLong()).isGreaterThan(0);
        });
        assertThat(PendingTransactions.idsOn(app.topic())).isEmpty();

        // when: another instance of the app comes up with a checker
        AtomicInteger asked = new AtomicInteger();
        sdk(app, messageId -> {
            asked.incrementAndGet();
            return messageId.equals(id) ? answer : TransactionState.UNKNOWN;
        });

        // then: the checker's answer settles it
        String expected = answer == TransactionState.COMMIT ? "PUBLISHED" : "ROLLED_BACK";
        await().atMost(Duration.ofSeconds(40)).until(() -> state(id).equals(expected));
        assertThat(asked.get()).isGreaterThanOrEqualTo(1);
        assertThat(PendingTransactions.idsOn(app.topic())).isEqualTo(answer == TransactionState.COMMIT ? List.of(id) : List.of());
        assertThat(admin.get("/transactions/" + id).json().get("decidedBy").asString()).isEqualTo("check");
    }

    @Test
    void commitRacingCheckBacksAndAManualCommitPublishesOnce() throws Exception {
        App app = app(20, 1000);
        Set<String> checked = ConcurrentHashMap.newKeySet();
        Herald producer = sdk(app, id -> {
            checked.add(id);
            return TransactionState.COMMIT;
        });
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(producer.sendTransactional(app.topic(), "order-created", "k" + i, "p" + i, id -> {
                // the local transaction runs until a check-back (every 20 ms) has asked about it and was answered COMMIT
                await().atMost(Duration.ofSeconds(60)).until(() -> checked.contains(id));
                admin.post("/transactions/" + id + "/commit", null);
                return TransactionState.COMMIT;
            }).messageId());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> state(id).equals("PUBLISHED")));
        // later decisions find the row decided and change nothing: each message is on the topic once, and stays so
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(PendingTransactions.idsOn(app.topic())).containsExactlyInAnyOrderElementsOf(ids));
    }

    @Test
    void twoServerInstancesShareTheWorkWithoutDoubleDelivery() throws Exception {
        int port2;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port2 = s.getLocalPort();
        }
        org.springframework.context.ConfigurableApplicationContext second =
                new org.springframework.boot.builder.SpringApplicationBuilder(io.herald.server.HeraldServer.class).run(
                        "--server.port=" + port2, "--herald.grpc.port=0", "--spring.datasource.url=" + TestInfra.databaseUrl(),
                        "--spring.datasource.username=" + TestInfra.dbUser(), "--spring.datasource.password=" + TestInfra.dbPassword(),
                        "--herald.kafka.bootstrap=" + TestInfra.kafkaBootstrap(), "--herald.security.admin-token=" + ADMIN_TOKEN);
        closeables.add(second);
        App app = app(30, 1000);
        Herald producer = sdk(app, id -> TransactionState.COMMIT);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            // every third decision is left to the check-backs that both instances send
            TransactionState decision = i % 3 == 0 ? TransactionState.UNKNOWN : TransactionState.COMMIT;
            ids.add(producer.sendTransactional(app.topic(), "order-created", "k" + i, "p" + i, id -> decision).messageId());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> state(id).equals("PUBLISHED")));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(PendingTransactions.idsOn(app.topic())).hasSize(60).containsExactlyInAnyOrderElementsOf(ids));
    }

    @Test
    void fifteenUnansweredChecksDiscardTheMessageWithMetricAndAudit() throws Exception {
        App app = app(100, 15);
        Herald producer = sdk(app, id -> TransactionState.UNKNOWN);
        String id = producer.sendTransactional(app.topic(), "order-created", null, "lost", messageId -> TransactionState.UNKNOWN)
                .messageId();

        await().atMost(Duration.ofSeconds(60)).until(() -> state(id).equals("DISCARDED"));
        assertThat(admin.get("/transactions/" + id).json().get("checks").asInt()).isEqualTo(15);
        assertThat(meters.counter("herald.tx.discarded", "app", app.name()).count()).isEqualTo(1.0);
        String audit = admin.get("/audit?objectType=transaction&objectId=" + id).body();
        assertThat(audit).contains("\"discard\"").contains(id);
        assertThat(PendingTransactions.idsOn(app.topic())).isEmpty();
        assertThat(PendingTransactions.idsOn(io.herald.sdk.wire.HeraldTopics.txCheck(app.name()))).hasSize(15).containsOnly(id);
    }

    @Test
    void httpCallbackSettlesMessagesOfProducersWithoutTheSdkChecker() throws Exception {
        App app = app(200, 100);
        AtomicInteger calls = new AtomicInteger();
        HttpServer callback = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        callback.createContext("/tx-check", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            calls.incrementAndGet();
            byte[] answer = (body.contains("\"key\":\"commit-me\"") ? "{\"state\":\"COMMIT\"}" : "{\"state\":\"ROLLBACK\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        callback.start();
        closeables.add(() -> callback.stop(0));
        Api.Response s = admin.send("PUT", "/producer-settings/" + app.name(), Map.of("checkProtocol", "HTTP",
                "checkAddress", "http://127.0.0.1:" + callback.getAddress().getPort() + "/tx-check", "checkIntervalMs", 200,
                "maxChecks", 100));
        assertThat(s.status()).as(s.toString()).isEqualTo(200);

        Herald producer = sdk(app, null);
        String commit = producer.sendTransactional(app.topic(), "order-created", "commit-me", "c", id -> TransactionState.UNKNOWN)
                .messageId();
        String rollback = producer.sendTransactional(app.topic(), "order-created", "drop-me", "r", id -> TransactionState.UNKNOWN)
                .messageId();

        await().atMost(Duration.ofSeconds(60)).until(() -> state(commit).equals("PUBLISHED") && state(rollback).equals("ROLLED_BACK"));
        assertThat(calls.get()).isGreaterThanOrEqualTo(2);
        assertThat(PendingTransactions.idsOn(app.topic())).containsExactly(commit);
    }

    @Test
    void manualCommitAndRollbackAreAuditedAndASecondDecisionIsAConflict() throws Exception {
        App app = app(60_000, 15);
        Herald producer = sdk(app, null);
        String commit = producer.sendTransactional(app.topic(), "order-created", "a", "a", id -> TransactionState.UNKNOWN).messageId();
        String rollback = producer.sendTransactional(app.topic(), "order-created", "b", "b", id -> TransactionState.UNKNOWN).messageId();
        await().atMost(Duration.ofSeconds(60)).until(() -> state(commit).equals("PENDING") && state(rollback).equals("PENDING"));

        Api owner = admin.as(app.key());
        assertThat(owner.post("/transactions/" + commit + "/commit", null).json().get("state").asString()).isEqualTo("COMMITTING");
        assertThat(owner.post("/transactions/" + rollback + "/rollback", null).json().get("state").asString()).isEqualTo("ROLLED_BACK");
        Api.Response again = owner.post("/transactions/" + rollback + "/commit", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.isProblem()).isTrue();

        await().atMost(Duration.ofSeconds(60)).until(() -> state(commit).equals("PUBLISHED"));
        assertThat(PendingTransactions.idsOn(app.topic())).containsExactly(commit);
        assertThat(admin.get("/audit?objectType=transaction&objectId=" + commit).body()).contains("\"commit\"").contains("app:" + app.name());
        assertThat(admin.get("/audit?objectType=transaction&objectId=" + rollback).body()).contains("\"rollback\"");
    }
}
