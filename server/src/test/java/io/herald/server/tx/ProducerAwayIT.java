package io.herald.server.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.herald.proto.v1.CheckRequest;
import io.herald.proto.v1.CheckResponse;
import io.herald.proto.v1.CheckerGrpc;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.TransactionChecker;
import io.herald.sdk.TransactionState;
import io.herald.server.ingest.Http;
import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A committed two-phase message is never discarded while its producer is away. Real server, SDK, PostgreSQL and
 * Kafka: the producer's Herald is closed (its instance leaves the server at once, as a killed one does after
 * {@code herald.push.stale-after}) for longer than {@code maxChecks × interval}, or its HTTP/gRPC check-back
 * address refuses connections; checks made meanwhile do not count, and once it is back its committed messages are
 * published. A decision arriving after a discard is published or refused per the app's {@code lateCommit}, and a
 * discarded message can be published anyway.
 */
class ProducerAwayIT extends ServerTest {

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

    private App app(Map<String, Object> settings) {
        String name = unique("away");
        String key = admin.post("/apps", Map.of("name", name)).json().get("apiKey").asString();
        String topic = unique("awayt");
        Api.Response t = admin.post("/topics", Map.of("name", topic, "app", name, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "order-created"))));
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        Api.Response s = admin.send("PUT", "/producer-settings/" + name, settings);
        assertThat(s.status()).as(s.toString()).isEqualTo(200);
        return new App(name, key, topic);
    }

    private Herald sdk(App app, TransactionChecker checker) throws Exception {
        var b = Herald.builder().withAppName(app.name()).withControlPlane(baseUrl(), app.key())
                .withKafkaBootstrap(TestInfra.kafkaBootstrap())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, Files.createTempDirectory(Path.of("target"), "away-cache").toString())
                .withSetting(HeraldSettings.CONSUMER_POLL_TIMEOUT_MS, 100);
        if (checker != null) {
            b.withTransactionChecker(checker);
        }
        Herald herald = b.build();
        closeables.add(herald);
        return herald.start();
    }

    private JsonNode tx(String id) {
        Api.Response r = admin.get("/transactions/" + id);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private String state(String id) {
        Api.Response r = admin.get("/transactions/" + id);
        return r.status() == 200 ? r.json().get("state").asString() : "HTTP " + r.status();
    }

    private double counter(String name, String... tags) {
        var c = meters.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void committedMessagesOfAProducerAwayLongerThanMaxChecksTimesIntervalArePublishedWhenItIsBack() throws Exception {
        // given: 1 s interval, 5 checks: the old worker discarded after about 5 s
        int maxChecks = 5;
        App app = app(Map.of("checkProtocol", "KAFKA", "checkIntervalMs", 1000, "maxChecks", maxChecks));
        Set<String> committedLocally = ConcurrentHashMap.newKeySet(); // the producer's database
        Herald first = sdk(app, null);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // the local transaction commits, then the process dies before the decision is sent
            ids.add(first.sendTransactional(app.topic(), "order-created", "order-" + i, Map.of("order", i), messageId -> {
                committedLocally.add(messageId);
                return TransactionState.UNKNOWN;
            }).messageId());
        }
        first.close();
        Instant gone = Instant.now();
        assertThat(admin.get("/apps/" + app.name() + "/instances").json().size()).isZero();

        // when: the producer stays away for more than maxChecks × interval (twice as many checks as it allows)
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> tx(id).get("awayChecks").asInt() >= 2 * maxChecks));
        assertThat(Duration.between(gone, Instant.now())).isGreaterThan(Duration.ofMillis(maxChecks * 1000L));
        for (String id : ids) {
            JsonNode t = tx(id);
            assertThat(t.get("state").asString()).as(id).isEqualTo("PENDING");
            assertThat(t.get("checks").asInt()).as(id).isLessThan(maxChecks);
            assertThat(t.get("awaySince").isNull()).as(id).isFalse();
        }
        assertThat(counter("herald.tx.checks.away", "app", app.name())).isGreaterThanOrEqualTo(2.0 * maxChecks * ids.size());

        // then: back with its checker, the producer's committed messages are published, each once, none discarded
        sdk(app, messageId -> committedLocally.contains(messageId) ? TransactionState.COMMIT : TransactionState.ROLLBACK);
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> state(id).equals("PUBLISHED")));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(PendingTransactions.idsOn(app.topic())).containsExactlyInAnyOrderElementsOf(ids));
        assertThat(counter("herald.tx.discarded", "app", app.name())).isZero();
    }

    /** A check-back endpoint that is not there yet, then answers COMMIT on the same address. */
    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private AutoCloseable commitOn(String protocol, int port) throws Exception {
        if (protocol.equals("HTTP")) {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            http.createContext("/tx-check", exchange -> {
                exchange.getRequestBody().readAllBytes();
                byte[] answer = "COMMIT".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            http.start();
            return () -> http.stop(0);
        }
        Server grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(new CheckerGrpc.CheckerImplBase() {
                    @Override
                    public void check(CheckRequest r, StreamObserver<CheckResponse> response) {
                        response.onNext(CheckResponse.newBuilder().setState(CheckResponse.State.COMMIT).build());
                        response.onCompleted();
                    }
                }).build().start();
        return () -> grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static String address(String protocol, int port) {
        return protocol.equals("HTTP") ? "http://127.0.0.1:" + port + "/tx-check" : "127.0.0.1:" + port;
    }

    /** Prepares a two-phase event over HTTP (a producer without the SDK). */
    private String prepare(App app, String key) {
        String id = unique("away-tx");
        Map<String, String> h = new HashMap<>(Map.of("ce-specversion", "1.0", "ce-id", id, "ce-source", "/shop",
                "ce-type", "order-created", "ce-partitionkey", key, "Content-Type", "application/json",
                "Herald-Transaction", "prepare"));
        Http.Answer a = Http.post(baseUrl() + "/api/v1/topics/" + app.topic() + "/events", app.key(), h,
                ("{\"order\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        return id;
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP", "GRPC"})
    void checksThatCannotConnectDoNotCountAndTheMessageIsPublishedWhenTheProducerAnswers(String protocol) throws Exception {
        int port = freePort();
        int maxChecks = 3;
        App app = app(Map.of("checkProtocol", protocol, "checkAddress", address(protocol, port), "checkIntervalMs", 200,
                "maxChecks", maxChecks));
        String id = prepare(app, "order-1");

        await().atMost(Duration.ofSeconds(60)).until(() -> tx(id).get("awayChecks").asInt() >= 3 * maxChecks);
        JsonNode t = tx(id);
        assertThat(t.get("state").asString()).isEqualTo("PENDING");
        assertThat(t.get("checks").asInt()).isLessThan(maxChecks);
        assertThat(t.get("awaySince").isNull()).isFalse();

        closeables.add(commitOn(protocol, port));
        await().atMost(Duration.ofSeconds(90)).until(() -> state(id).equals("PUBLISHED"));
        assertThat(PendingTransactions.idsOn(app.topic())).containsExactly(id);
        assertThat(counter("herald.tx.discarded", "app", app.name())).isZero();
        assertThat(counter("herald.tx.checks.away", "app", app.name())).isGreaterThanOrEqualTo(3.0 * maxChecks);
    }

    @Test
    void aProducerAwayLongerThanMaxAwayIsDiscardedWithAuditAndCanBePublishedAnywayOnce() throws Exception {
        App app = app(Map.of("checkProtocol", "HTTP", "checkAddress", address("HTTP", freePort()), "checkIntervalMs", 100,
                "maxChecks", 100, "maxAwayMs", 1500));
        assertThat(admin.get("/producer-settings/" + app.name()).json().get("maxAwayMs").asLong()).isEqualTo(1500);
        String id = prepare(app, "order-2");

        await().atMost(Duration.ofSeconds(60)).until(() -> state(id).equals("DISCARDED"));
        assertThat(tx(id).get("decidedBy").asString()).startsWith("discarded: producer away since");
        assertThat(admin.get("/audit?objectType=transaction&objectId=" + id).body()).contains("\"discard\"");
        assertThat(PendingTransactions.idsOn(app.topic())).isEmpty();

        // publish anyway, racing: once
        Api owner = admin.as(app.key());
        List<Api.Response> answers = race(8, i -> i % 2 == 0 ? owner.post("/transactions/" + id + "/publish", null)
                : admin.post("/transactions/" + id + "/publish", null));
        assertThat(answers).filteredOn(r -> r.status() == 200).hasSize(1);
        assertThat(answers).filteredOn(r -> r.status() == 409).hasSize(7).allSatisfy(r -> {
            assertThat(r.isProblem()).isTrue();
            assertThat(r.body()).contains("state");
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> state(id).equals("PUBLISHED"));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(PendingTransactions.idsOn(app.topic())).containsExactly(id));
        assertThat(admin.get("/audit?objectType=transaction&objectId=" + id).body()).contains("\"publish-anyway\"");
        assertThat(counter("herald.tx.published.anyway", "app", app.name())).isEqualTo(1.0);
        Api.Response again = admin.post("/transactions/" + id + "/publish", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).contains("PUBLISHED").contains("state");
    }

    private interface Call {
        Api.Response call(int i);
    }

    private static List<Api.Response> race(int n, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Api.Response>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.call(k);
                }));
            }
            go.countDown();
            List<Api.Response> out = new ArrayList<>();
            for (Future<Api.Response> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A message discarded after its checks (its HTTP check-back answers UNKNOWN). */
    private String discarded(App app, String key) throws Exception {
        String id = prepare(app, key);
        await().atMost(Duration.ofSeconds(60)).until(() -> state(id).equals("DISCARDED"));
        return id;
    }

    private App unknownAnswering(String lateCommit) throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/tx-check", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] answer = "UNKNOWN".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        http.start();
        closeables.add(() -> http.stop(0));
        return app(Map.of("checkProtocol", "HTTP", "checkAddress", "http://127.0.0.1:" + http.getAddress().getPort() + "/tx-check",
                "checkIntervalMs", 100, "maxChecks", 2, "lateCommit", lateCommit));
    }

    @Test
    void aLateCommitOverHttpPublishesOnceByDefault() throws Exception {
        App app = unknownAnswering("PUBLISH");
        String id = discarded(app, "order-3");

        List<Api.Response> answers = race(6, i -> admin.as(app.key()).post("/transactions/" + id + "/commit", null));

        assertThat(answers).filteredOn(r -> r.status() == 200).hasSize(1);
        assertThat(answers).filteredOn(r -> r.status() == 409).hasSize(5);
        await().atMost(Duration.ofSeconds(60)).until(() -> state(id).equals("PUBLISHED"));
        assertThat(tx(id).get("decidedBy").asString()).isEqualTo("app:" + app.name() + " (late commit)");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(PendingTransactions.idsOn(app.topic())).containsExactly(id));
        assertThat(admin.get("/audit?objectType=transaction&objectId=" + id).body()).contains("\"late-commit\"");
        assertThat(counter("herald.tx.late.commits", "app", app.name(), "outcome", "published")).isEqualTo(1.0);
    }

    @Test
    void aLateCommitOverHttpIsRefusedWith409AuditAndMetricWhenTheProducerSaysRefuse() throws Exception {
        App app = unknownAnswering("REFUSE");
        assertThat(admin.get("/producer-settings/" + app.name()).json().get("lateCommit").asString()).isEqualTo("REFUSE");
        String id = discarded(app, "order-4");

        Api.Response r = admin.as(app.key()).post("/transactions/" + id + "/commit", null);

        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.body()).contains("DISCARDED").contains("lateCommit REFUSE").contains("\"field\":\"state\"");
        assertThat(state(id)).isEqualTo("DISCARDED");
        assertThat(admin.get("/audit?objectType=transaction&objectId=" + id).body()).contains("\"late-commit-refused\"");
        assertThat(counter("herald.tx.late.commits", "app", app.name(), "outcome", "refused")).isEqualTo(1.0);
        assertThat(PendingTransactions.idsOn(app.topic())).isEmpty();
        // an operator can still publish it
        assertThat(admin.post("/transactions/" + id + "/publish", null).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> state(id).equals("PUBLISHED"));
        assertThat(PendingTransactions.idsOn(app.topic())).containsExactly(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUBLISH", "REFUSE"})
    void aLateCommitFromTheSdkIsPublishedOrRefusedPerTheProducerSetting(String lateCommit) throws Exception {
        App app = app(Map.of("checkProtocol", "KAFKA", "checkIntervalMs", 100, "maxChecks", 2, "lateCommit", lateCommit));
        Herald producer = sdk(app, messageId -> TransactionState.UNKNOWN);

        // the local transaction takes longer than all the checks: its COMMIT arrives after the discard
        String id = producer.sendTransactional(app.topic(), "order-created", "order-5", Map.of("order", 5), messageId -> {
            await().atMost(Duration.ofSeconds(60)).until(() -> state(messageId).equals("DISCARDED"));
            return TransactionState.COMMIT;
        }).messageId();

        String audit = "/audit?objectType=transaction&objectId=" + id;
        if (lateCommit.equals("PUBLISH")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> state(id).equals("PUBLISHED"));
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(PendingTransactions.idsOn(app.topic())).containsExactly(id));
            assertThat(admin.get(audit).body()).contains("\"late-commit\"");
            assertThat(counter("herald.tx.late.commits", "app", app.name(), "outcome", "published")).isEqualTo(1.0);
        } else {
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    counter("herald.tx.late.commits", "app", app.name(), "outcome", "refused") == 1.0);
            assertThat(admin.get(audit).body()).contains("\"late-commit-refused\"");
            assertThat(state(id)).isEqualTo("DISCARDED");
            assertThat(PendingTransactions.idsOn(app.topic())).isEmpty();
        }
    }

    @Test
    void lateCommitMustBePublishOrRefuse() {
        App app = app(Map.of("checkProtocol", "KAFKA", "checkIntervalMs", 1000, "maxChecks", 3));
        Api.Response r = admin.send("PUT", "/producer-settings/" + app.name(), Map.of("checkProtocol", "KAFKA",
                "checkIntervalMs", 1000, "maxChecks", 3, "lateCommit", "MAYBE"));
        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.body()).contains("lateCommit");
        assertThat(admin.get("/producer-settings/" + app.name()).json().get("lateCommit").asString()).isEqualTo("PUBLISH");
    }
}
