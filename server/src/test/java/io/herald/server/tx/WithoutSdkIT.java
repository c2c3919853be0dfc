package io.herald.server.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.herald.proto.v1.CheckRequest;
import io.herald.proto.v1.CheckResponse;
import io.herald.proto.v1.CheckerGrpc;
import io.herald.proto.v1.IngestGrpc;
import io.herald.proto.v1.PublishRequest;
import io.herald.proto.v1.PublishResponse;
import io.herald.proto.v1.TransactionRequest;
import io.herald.server.ingest.Http;
import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Two-phase messages from a producer without the SDK, over HTTP and over gRPC: prepare, commit or
 * roll back by id, and Herald's check-back at the app's producer settings — a real JDK HTTP server
 * (check-back protocol HTTP) or a real grpc-java {@code herald.v1.Checker} (GRPC) in this JVM.
 */
class WithoutSdkIT extends ServerTest {

    /** How the producer talks to Herald and how Herald checks back with it. */
    enum Protocol { HTTP, GRPC }

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

    /** A check-back question as the producer's endpoint received it. */
    private record Question(String id, String app, String topic, String type, String key, int attempt) {
    }

    /** The producer's answer to its n-th question (1-based): COMMIT, ROLLBACK, UNKNOWN, or FAIL (an error status). */
    private interface Answers {
        String answer(int n, Question q);
    }

    /** The producer's check-back endpoint, recording every question. */
    private static final class CheckBack implements AutoCloseable {

        final List<Question> asked = new CopyOnWriteArrayList<>();
        volatile Answers answers = (n, q) -> "UNKNOWN";
        private final Protocol protocol;
        private final ExecutorService executor = Executors.newFixedThreadPool(8);
        private HttpServer http;
        private Server grpc;

        CheckBack(Protocol protocol) throws IOException {
            this.protocol = protocol;
            if (protocol == Protocol.HTTP) {
                http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                http.setExecutor(executor);
                http.createContext("/tx-check", exchange -> {
                    JsonNode body = Api.JSON.readTree(exchange.getRequestBody().readAllBytes());
                    Question q = new Question(body.path("messageId").asString(), body.path("app").asString(),
                            body.path("topic").asString(), body.path("type").asString(),
                            body.path("key").isNull() ? "" : body.path("key").asString(), body.path("check").asInt());
                    String answer = ask(q);
                    byte[] bytes = (answer.equals("FAIL") ? "down for maintenance" : answer).getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "text/plain");
                    exchange.sendResponseHeaders(answer.equals("FAIL") ? 503 : 200, bytes.length);
                    exchange.getResponseBody().write(bytes);
                    exchange.close();
                });
                http.start();
            } else {
                grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).executor(executor)
                        .addService(new CheckerGrpc.CheckerImplBase() {
                            @Override
                            public void check(CheckRequest r, StreamObserver<CheckResponse> response) {
                                String answer = ask(new Question(r.getId(), r.getApp(), r.getTopic(), r.getType(), r.getKey(),
                                        r.getAttempt()));
                                if (answer.equals("FAIL")) {
                                    response.onError(Status.UNAVAILABLE.withDescription("down for maintenance").asRuntimeException());
                                    return;
                                }
                                response.onNext(CheckResponse.newBuilder().setState(CheckResponse.State.valueOf(answer)).build());
                                response.onCompleted();
                            }
                        }).build().start();
            }
        }

        private String ask(Question q) {
            asked.add(q);
            return answers.answer((int) asked.stream().filter(a -> a.id().equals(q.id())).count(), q);
        }

        String address() {
            return protocol == Protocol.HTTP ? "http://127.0.0.1:" + http.getAddress().getPort() + "/tx-check"
                    : "127.0.0.1:" + grpc.getPort();
        }

        List<Question> about(String id) {
            return asked.stream().filter(q -> q.id().equals(id)).toList();
        }

        @Override
        public void close() throws InterruptedException {
            if (http != null) {
                http.stop(0);
            }
            if (grpc != null) {
                grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            executor.shutdownNow();
        }
    }

    /** The producer without the SDK: prepares, commits and rolls back over HTTP or over gRPC. */
    private final class Producer {

        private final Protocol protocol;
        private final App app;
        private ManagedChannel channel;

        Producer(Protocol protocol, App app) {
            this.protocol = protocol;
            this.app = app;
            if (protocol == Protocol.GRPC) {
                ManagedChannel c = ManagedChannelBuilder.forAddress("127.0.0.1", GRPC_PORT).usePlaintext().build();
                channel = c;
                closeables.add(() -> c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
            }
        }

        private IngestGrpc.IngestBlockingStub stub() {
            Metadata md = new Metadata();
            md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + app.key());
            return IngestGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
        }

        /** Prepares a half event with this id and key; returns the transaction state answered, or REFUSED. */
        String prepare(String id, String key) {
            String json = "{\"order\":\"" + id + "\"}";
            if (protocol == Protocol.HTTP) {
                Map<String, String> h = new HashMap<>(Map.of("ce-specversion", "1.0", "ce-id", id, "ce-source", "/shop",
                        "ce-type", "paid", "ce-partitionkey", key, "Content-Type", "application/json", "Herald-Transaction", "prepare"));
                Http.Answer a = Http.post(baseUrl() + "/api/v1/topics/" + app.topic() + "/events", app.key(), h,
                        json.getBytes(StandardCharsets.UTF_8));
                if (a.status() == 409) {
                    return "REFUSED";
                }
                assertThat(a.status()).as(a.toString()).isEqualTo(201);
                return a.json().get("transaction").asString();
            }
            io.cloudevents.v1.proto.CloudEvent event = io.cloudevents.v1.proto.CloudEvent.newBuilder().setSpecVersion("1.0")
                    .setId(id).setSource("/shop").setType("paid").setTextData(json)
                    .putAttributes("datacontenttype", text("application/json")).putAttributes("partitionkey", text(key)).build();
            try {
                PublishResponse r = stub().publish(PublishRequest.newBuilder().setTopic(app.topic()).setEvent(event).setPrepare(true).build());
                return r.getTransaction();
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).as(e.toString()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                return "REFUSED";
            }
        }

        /** Commits (or rolls back); OK, or CONFLICT when the message was decided already. */
        String decide(String id, boolean commit) {
            if (protocol == Protocol.HTTP) {
                Api.Response r = admin.as(app.key()).post("/transactions/" + id + (commit ? "/commit" : "/rollback"), Map.of());
                assertThat(r.status()).as(r.toString()).isIn(200, 409);
                if (r.status() == 409) {
                    assertThat(r.isProblem()).isTrue();
                    assertThat(r.body()).contains("state");
                }
                return r.status() == 200 ? "OK" : "CONFLICT";
            }
            TransactionRequest request = TransactionRequest.newBuilder().setId(id).build();
            try {
                if (commit) {
                    stub().commit(request);
                } else {
                    stub().rollback(request);
                }
                return "OK";
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).as(e.toString()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                return "CONFLICT";
            }
        }
    }

    private static io.cloudevents.v1.proto.CloudEvent.CloudEventAttributeValue text(String s) {
        return io.cloudevents.v1.proto.CloudEvent.CloudEventAttributeValue.newBuilder().setCeString(s).build();
    }

    private App app(Protocol protocol, CheckBack checkBack, long interval, int maxChecks) {
        String name = unique("nosdk");
        String key = admin.post("/apps", Map.of("name", name)).json().get("apiKey").asString();
        String topic = unique("nosdkt");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", name, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "paid")))).status()).isEqualTo(201);
        Api.Response s = admin.send("PUT", "/producer-settings/" + name, Map.of("checkProtocol", protocol.name(),
                "checkAddress", checkBack.address(), "checkIntervalMs", interval, "maxChecks", maxChecks));
        assertThat(s.status()).as(s.toString()).isEqualTo(200);
        assertThat(s.json().get("checkProtocol").asString()).isEqualTo(protocol.name());
        return new App(name, key, topic);
    }

    private CheckBack checkBack(Protocol protocol) throws IOException {
        CheckBack c = new CheckBack(protocol);
        closeables.add(c);
        return c;
    }

    private JsonNode tx(String id) {
        Api.Response r = admin.get("/transactions/" + id);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private String state(String id) {
        return tx(id).get("state").asString();
    }

    private static String decidedBy(Protocol protocol) {
        return protocol == Protocol.HTTP ? "http-check" : "grpc-check";
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void preparedEventIsDeliveredOnlyAfterCommitAndNeverAfterRollback(Protocol protocol) throws Exception {
        CheckBack checkBack = checkBack(protocol);
        App app = app(protocol, checkBack, 600_000, 5);
        Producer producer = new Producer(protocol, app);
        String commit = unique("tx-commit");
        String rollback = unique("tx-rollback");

        assertThat(producer.prepare(commit, "order-1")).isEqualTo("PENDING");
        assertThat(producer.prepare(rollback, "order-2")).isEqualTo("PENDING");
        assertThat(producer.prepare(commit, "order-1")).as("the same id again").isEqualTo("REFUSED");
        assertThat(state(commit)).isEqualTo("PENDING");
        // the check-back goes to the producer's own endpoint: no warning about SDK instances without a TransactionChecker
        assertThat(tx(commit).get("warning").isNull()).as(tx(commit).toString()).isTrue();

        assertThat(producer.decide(rollback, false)).isEqualTo("OK");
        assertThat(producer.decide(commit, true)).isEqualTo("OK");

        await().atMost(Duration.ofSeconds(60)).until(() -> state(commit).equals("PUBLISHED"));
        assertThat(state(rollback)).isEqualTo("ROLLED_BACK");
        assertThat(tx(commit).get("decidedBy").asString()).isEqualTo("app:" + app.name());
        // a second decision is refused either way
        assertThat(producer.decide(rollback, true)).isEqualTo("CONFLICT");
        assertThat(producer.decide(commit, false)).isEqualTo("CONFLICT");
        List<ConsumerRecord<byte[], byte[]>> records = onTopic(app, 1);
        assertThat(records).extracting(r -> header(r, "ce_id")).containsExactly(commit);
        assertThat(header(records.get(0), "ce_source")).isEqualTo(app.name());
        assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("order-1");
        assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{\"order\":\"" + commit + "\"}");
        assertThat(checkBack.asked).as("decided before the first check").isEmpty();
    }

    static Stream<Arguments> protocolsAndAnswers() {
        return Stream.of(Protocol.values()).flatMap(p -> Stream.of(Arguments.of(p, "COMMIT"), Arguments.of(p, "ROLLBACK")));
    }

    @ParameterizedTest(name = "{0} check-back answering {1}")
    @MethodSource("protocolsAndAnswers")
    void unansweredPrepareIsSettledByTheCheckBackAnswer(Protocol protocol, String answer) throws Exception {
        CheckBack checkBack = checkBack(protocol);
        // the producer does not know yet at the first check-back, then decides
        checkBack.answers = (n, q) -> n == 1 ? "UNKNOWN" : answer;
        App app = app(protocol, checkBack, 300, 20);
        String id = unique("tx-check");

        assertThat(new Producer(protocol, app).prepare(id, "order-7")).isEqualTo("PENDING");

        String expected = answer.equals("COMMIT") ? "PUBLISHED" : "ROLLED_BACK";
        await().atMost(Duration.ofSeconds(60)).until(() -> state(id).equals(expected));
        assertThat(tx(id).get("decidedBy").asString()).isEqualTo(decidedBy(protocol));
        // (a slow answer may let one more check start before the decision lands; it changes nothing)
        List<Question> asked = checkBack.about(id);
        assertThat(asked).hasSizeGreaterThanOrEqualTo(2);
        assertThat(asked.get(0)).isEqualTo(new Question(id, app.name(), app.topic(), "paid", "order-7", 1));
        assertThat(asked.get(1).attempt()).isEqualTo(2);
        if (answer.equals("COMMIT")) {
            assertThat(onTopic(app, 1)).extracting(r -> header(r, "ce_id")).containsExactly(id);
        } else {
            assertThat(PendingTransactions.idsOn(app.topic())).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void unansweredMessageIsDiscardedAfterItsLastCheckWithMetricAndAudit(Protocol protocol) throws Exception {
        CheckBack checkBack = checkBack(protocol);
        // does not know, is down, does not know: three checks, none answered with a decision
        checkBack.answers = (n, q) -> n == 2 ? "FAIL" : "UNKNOWN";
        App app = app(protocol, checkBack, 100, 3);
        String id = unique("tx-lost");
        Producer producer = new Producer(protocol, app);

        assertThat(producer.prepare(id, "order-9")).isEqualTo("PENDING");

        await().atMost(Duration.ofSeconds(60)).until(() -> state(id).equals("DISCARDED"));
        JsonNode discarded = tx(id);
        assertThat(discarded.get("checks").asInt()).isEqualTo(3);
        assertThat(discarded.get("decidedBy").asString()).isEqualTo("discarded after 3 checks");
        await().atMost(Duration.ofSeconds(60)).until(() -> checkBack.about(id).size() == 3);
        assertThat(checkBack.about(id)).extracting(Question::attempt).containsExactly(1, 2, 3);
        assertThat(meters.counter("herald.tx.discarded", "app", app.name()).count()).isEqualTo(1.0);
        assertThat(meters.counter("herald.tx.checks.unanswered", "app", app.name()).count()).isEqualTo(3.0);
        String audit = admin.get("/audit?objectType=transaction&objectId=" + id).body();
        assertThat(audit).contains("\"discard\"").contains(id);
        assertThat(PendingTransactions.idsOn(app.topic())).isEmpty();
        // a late commit is not ignored: with the default lateCommit PUBLISH it publishes the message, once
        assertThat(producer.decide(id, true)).isEqualTo("OK");
        assertThat(producer.decide(id, true)).isEqualTo("CONFLICT");
        await().atMost(Duration.ofSeconds(60)).until(() -> state(id).equals("PUBLISHED"));
        assertThat(tx(id).get("decidedBy").asString()).isEqualTo("app:" + app.name() + " (late commit)");
        assertThat(onTopic(app, 1)).extracting(r -> header(r, "ce_id")).containsExactly(id);
    }

    /** Who decides first: the producer's own commit, the check-back answer, or both at the same moment. */
    private enum First { PRODUCER, CHECK_BACK, BOTH }

    @ParameterizedTest(name = "{0} check-back answering {1}")
    @MethodSource("protocolsAndAnswers")
    void producersCommitRacingACheckBackAnswerIsAppliedOnceOrRefused(Protocol protocol, String answer) throws Exception {
        CheckBack checkBack = checkBack(protocol);
        App app = app(protocol, checkBack, 20, 1000);
        Producer producer = new Producer(protocol, app);
        ExecutorService racers = Executors.newCachedThreadPool();
        closeables.add(racers::shutdownNow);
        Map<String, First> first = new ConcurrentHashMap<>();
        Map<String, String> commitAnswers = new ConcurrentHashMap<>();
        Set<String> raced = ConcurrentHashMap.newKeySet();
        // at the message's first check-back, the producer commits: before answering, after it, or at once with it
        checkBack.answers = (n, q) -> {
            First who = first.get(q.id());
            if (who == null) {
                return answer;
            }
            if (!raced.add(q.id())) {
                // the next check-backs (every 20 ms) must not overtake a producer's commit that is meant to come first
                return who == First.PRODUCER && !commitAnswers.containsKey(q.id()) ? "UNKNOWN" : answer;
            }
            switch (who) {
                case PRODUCER -> commitAnswers.put(q.id(), producer.decide(q.id(), true));
                case CHECK_BACK -> racers.submit(() -> {
                    await().atMost(Duration.ofSeconds(60)).until(() -> !state(q.id()).equals("PENDING"));
                    commitAnswers.put(q.id(), producer.decide(q.id(), true));
                });
                case BOTH -> {
                    CountDownLatch go = new CountDownLatch(1);
                    racers.submit(() -> {
                        go.await();
                        commitAnswers.put(q.id(), producer.decide(q.id(), true));
                        return null;
                    });
                    go.countDown();
                }
            }
            return answer;
        };
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            String id = unique("tx-race" + i);
            first.put(id, First.values()[i % 3]);
            ids.add(id);
            assertThat(producer.prepare(id, "k" + i)).isEqualTo("PENDING");
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> commitAnswers.size() == ids.size()
                && ids.stream().noneMatch(id -> List.of("PENDING", "COMMITTING").contains(state(id))));

        List<String> published = new ArrayList<>();
        for (String id : ids) {
            JsonNode t = tx(id);
            String commit = commitAnswers.get(id);
            // the producer's commit either counted (its decision) or was refused (the check-back's): never silently overruled
            if (commit.equals("OK")) {
                assertThat(t.get("state").asString()).as(id).isEqualTo("PUBLISHED");
                assertThat(t.get("decidedBy").asString()).as(id).isEqualTo("app:" + app.name());
            } else {
                assertThat(t.get("decidedBy").asString()).as(id).isEqualTo(decidedBy(protocol));
                assertThat(t.get("state").asString()).as(id).isEqualTo(answer.equals("COMMIT") ? "PUBLISHED" : "ROLLED_BACK");
            }
            if (t.get("state").asString().equals("PUBLISHED")) {
                published.add(id);
            }
            switch (first.get(id)) {
                case PRODUCER -> assertThat(commit).as(id).isEqualTo("OK");
                case CHECK_BACK -> assertThat(commit).as(id).isEqualTo("CONFLICT");
                case BOTH -> { }
            }
        }
        // each published message is on the topic once, and stays so while check-backs answer late
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(PendingTransactions.idsOn(app.topic())).containsExactlyInAnyOrderElementsOf(published));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "orders.internal", "http://orders.internal:7071/check",
            "orders internal:7071", "orders.internal:99999"})
    void grpcCheckBackNeedsAHostAndPort(String address) {
        String name = unique("nosdkbad");
        assertThat(admin.post("/apps", Map.of("name", name)).status()).isEqualTo(201);

        Api.Response r = admin.send("PUT", "/producer-settings/" + name, Map.of("checkProtocol", "GRPC", "checkAddress", address,
                "checkIntervalMs", 1000, "maxChecks", 3));

        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.body()).contains("checkAddress").contains(address.isEmpty() ? "is required" : "host:port");
        assertThat(admin.get("/producer-settings/" + name).json().get("checkProtocol").asString()).isEqualTo("KAFKA");
        Api.Response tls = admin.send("PUT", "/producer-settings/" + name, Map.of("checkProtocol", "grpc",
                "checkAddress", "grpcs://orders.internal:7071", "checkIntervalMs", 1000, "maxChecks", 3));
        assertThat(tls.status()).as(tls.toString()).isEqualTo(200);
        assertThat(tls.json().get("checkAddress").asString()).isEqualTo("grpcs://orders.internal:7071");
    }

    private List<ConsumerRecord<byte[], byte[]>> onTopic(App app, int count) {
        try (io.herald.server.ingest.KafkaProbe probe = new io.herald.server.ingest.KafkaProbe(TestInfra.kafkaBootstrap(), app.topic())) {
            List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                all.addAll(probe.poll());
                return all.size() >= count;
            });
            return all;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return io.herald.server.ingest.KafkaProbe.header(r, name);
    }
}
