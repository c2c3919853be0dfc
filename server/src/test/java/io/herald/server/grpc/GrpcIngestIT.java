package io.herald.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.cloudevents.v1.proto.CloudEvent;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.herald.proto.v1.EventResult;
import io.herald.proto.v1.IngestGrpc;
import io.herald.proto.v1.PublishBatchRequest;
import io.herald.proto.v1.PublishBatchResponse;
import io.herald.proto.v1.PublishRequest;
import io.herald.proto.v1.PublishResponse;
import io.herald.proto.v1.TransactionRequest;
import io.herald.proto.v1.TransactionResponse;
import io.herald.server.ingest.KafkaProbe;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** gRPC ingestion with a real grpc-java client against the real server, PostgreSQL and Kafka. */
class GrpcIngestIT extends ServerTest {

    private static final String SCHEMA = "{\"type\":\"object\",\"required\":[\"orderId\"]}";
    private static ManagedChannel channel;

    // one catalog for the class: each test writes events of its own ids
    private static String app;
    private static String key;
    private static String strangerKey;
    private static String topic;

    @BeforeAll
    static void connect() {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", GRPC_PORT).usePlaintext().build();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @BeforeEach
    void catalog() {
        if (topic != null) {
            return;
        }
        app = unique("shop");
        key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        strangerKey = admin.post("/apps", Map.of("name", unique("other"))).json().get("apiKey").asString();
        String name = unique("orders");
        assertThat(admin.post("/topics", Map.of("name", name, "app", app, "partitions", 2, "replicationFactor", 1,
                "types", List.of(Map.of("name", "order.created", "jsonSchema", SCHEMA), Map.of("name", "order.note")))).status())
                .isEqualTo(201);
        topic = name;
    }

    private static IngestGrpc.IngestBlockingStub blocking(String token) {
        return IngestGrpc.newBlockingStub(channel).withInterceptors(auth(token)).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static IngestGrpc.IngestStub async(String token) {
        return IngestGrpc.newStub(channel).withInterceptors(auth(token));
    }

    private static io.grpc.ClientInterceptor auth(String token) {
        Metadata md = new Metadata();
        if (token != null) {
            md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        }
        return MetadataUtils.newAttachHeadersInterceptor(md);
    }

    private static CloudEvent event(String id, String type, String json) {
        CloudEvent.Builder b = CloudEvent.newBuilder().setSpecVersion("1.0").setId(id).setSource("/checkout").setType(type)
                .putAttributes("datacontenttype", CloudEvent.CloudEventAttributeValue.newBuilder().setCeString("application/json").build());
        if (json != null) {
            b.setTextData(json);
        }
        return b.build();
    }

    private PublishRequest request(CloudEvent e) {
        return PublishRequest.newBuilder().setTopic(topic).setEvent(e).build();
    }

    private static String id(ConsumerRecord<byte[], byte[]> r) {
        String id = KafkaProbe.header(r, "ce_id");
        return id == null ? "" : id;
    }

    private static String badField(StatusRuntimeException e) throws Exception {
        com.google.rpc.Status s = StatusProto.fromThrowable(e);
        assertThat(s).as("status details").isNotNull();
        for (com.google.protobuf.Any d : s.getDetailsList()) {
            if (d.is(BadRequest.class)) {
                return d.unpack(BadRequest.class).getFieldViolations(0).getField();
            }
        }
        return null;
    }

    /**
     * The README tour's grpcurl step, as grpcurl runs it: its {@code -d} JSON read with the proto3 JSON
     * mapping (grpcurl's, and JsonFormat's), published with the app's key, and the answer printed in
     * that mapping has the fields the README shows. (grpcurl itself is not in Debian, Maven Central or npm.)
     */
    @Test
    void theReadmesGrpcurlStepPublishesAndAnswersAsShown() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
        java.util.regex.Matcher step = java.util.regex.Pattern.compile("grpcurl -plaintext -H \"authorization: Bearer \\$KEY\" -d '(.*?)' "
                + "localhost:9090 herald\\.v1\\.Ingest/Publish\n# → (\\{.*?})\n", java.util.regex.Pattern.DOTALL).matcher(readme);
        assertThat(step.find()).as("the grpcurl step in README.md").isTrue();
        // the tour's topic "trade" with its type pay-succ, here a topic of this test's app
        String tour = unique("trade");
        assertThat(admin.post("/topics", Map.of("name", tour, "app", app, "partitions", 3, "replicationFactor", 1,
                "types", List.of(Map.of("name", "pay-succ")))).status()).isEqualTo(201);
        String json = step.group(1).replace("\"topic\":\"trade\"", "\"topic\":\"" + tour + "\"");
        assertThat(json).contains(tour);

        PublishRequest.Builder request = PublishRequest.newBuilder();
        com.google.protobuf.util.JsonFormat.parser().merge(json, request);
        PublishResponse answer = blocking(key).publish(request.build());

        var shown = io.herald.server.support.Api.JSON.readTree(step.group(2));
        // grpcurl leaves out fields at their default (partition 0, offset 0 on a new topic), -emit-defaults shows them
        var printed = io.herald.server.support.Api.JSON.readTree(com.google.protobuf.util.JsonFormat.printer().print(answer));
        var withDefaults = io.herald.server.support.Api.JSON.readTree(com.google.protobuf.util.JsonFormat.printer()
                .alwaysPrintFieldsWithNoPresence().print(answer));
        assertThat(names(shown)).isSubsetOf(names(withDefaults)).containsAll(names(printed));
        assertThat(printed.get("id").asString()).isEqualTo(shown.get("id").asString());
        assertThat(withDefaults.get("offset").isString()).as("int64 printed as a string, as the README shows")
                .isEqualTo(shown.get("offset").isString());
        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), tour)) {
            ConsumerRecord<byte[], byte[]> r = await().atMost(Duration.ofSeconds(30)).until(probe::poll, l -> !l.isEmpty()).get(0);
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("order-78");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"orderId\":\"order-78\"}");
            assertThat(KafkaProbe.header(r, "ce_type")).isEqualTo("pay-succ");
        }
    }

    private static List<String> names(tools.jackson.databind.JsonNode node) {
        List<String> names = new ArrayList<>(node.propertyNames());
        java.util.Collections.sort(names);
        return names;
    }

    @Test
    void publishedEventIsOnKafkaInTheWireFormatWhenAnswered() {
        CloudEvent e = event("g-1", "order.created", "{\"orderId\":\"o-1\"}").toBuilder()
                .putAttributes("partitionkey", CloudEvent.CloudEventAttributeValue.newBuilder().setCeString("customer-7").build())
                .build();

        Instant expiresAt = Instant.now().plusSeconds(3600);
        PublishResponse answer = blocking(key).publish(request(e).toBuilder().setExpiresAt(expiresAt.toString()).build());

        assertThat(answer.getId()).isEqualTo("g-1");
        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), topic)) {
            List<ConsumerRecord<byte[], byte[]>> records = await().atMost(Duration.ofSeconds(60))
                    .until(() -> probe.matching(KafkaProbe.withId("g-1")), l -> !l.isEmpty());
            ConsumerRecord<byte[], byte[]> r = records.get(0);
            assertThat(r.partition()).isEqualTo(answer.getPartition());
            assertThat(r.offset()).isEqualTo(answer.getOffset());
            assertThat(KafkaProbe.header(r, "ce_source")).isEqualTo(app);
            assertThat(KafkaProbe.header(r, "ce_type")).isEqualTo("order.created");
            assertThat(KafkaProbe.header(r, "content-type")).isEqualTo("application/json");
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("customer-7");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"orderId\":\"o-1\"}");
            // what SDK listeners and push processors read to dead-letter it once expired
            assertThat(KafkaProbe.header(r, "herald-expires-at")).isEqualTo(Long.toString(expiresAt.toEpochMilli()));
        }
    }

    @Test
    void batchAnswersEachEventOnItsOwn() {
        PublishBatchResponse answer = blocking(key).publishBatch(PublishBatchRequest.newBuilder().setTopic(topic)
                .addEvents(event("b-1", "order.created", "{\"orderId\":\"1\"}"))
                .addEvents(event("b-2", "order.unknown", "{}"))
                .addEvents(event("b-3", "order.created", "{\"amount\":1}"))
                .addEvents(event("", "order.note", null))
                .addEvents(event("b-5", "order.note", null).toBuilder().setBinaryData(ByteString.copyFromUtf8("bytes")).build())
                .build());

        assertThat(answer.getResultsList()).extracting(EventResult::getIndex, EventResult::getCode, EventResult::getField)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, Code.OK, ""),
                        org.assertj.core.groups.Tuple.tuple(1, Code.INVALID_ARGUMENT, "type"),
                        org.assertj.core.groups.Tuple.tuple(2, Code.INVALID_ARGUMENT, "data"),
                        org.assertj.core.groups.Tuple.tuple(3, Code.INVALID_ARGUMENT, "id"),
                        org.assertj.core.groups.Tuple.tuple(4, Code.OK, ""));
        assertThat(answer.getResults(1).getMessage()).contains("is not declared on topic");
        assertThat(answer.getResults(2).getMessage()).contains("does not match the schema").contains("orderId");
        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), topic)) {
            assertThat(await().atMost(Duration.ofSeconds(60)).until(() -> probe.matching(r -> id(r).startsWith("b-")),
                    l -> l.size() >= 2)).extracting(GrpcIngestIT::id).containsExactlyInAnyOrder("b-1", "b-5");
        }
    }

    @Test
    void streamAcknowledgesEveryEventAndFailsOnlyTheBadOne() throws Exception {
        List<EventResult> acks = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<PublishRequest> in = async(key).publishStream(new StreamObserver<>() {
            @Override
            public void onNext(EventResult r) {
                acks.add(r);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        });
        for (int i = 0; i < 200; i++) {
            in.onNext(request(i == 50 ? event("s-" + i, "order.created", "{}") : event("s-" + i, "order.note", null)));
        }
        in.onCompleted();
        done.get(30, TimeUnit.SECONDS);

        assertThat(acks).hasSize(200);
        assertThat(acks).filteredOn(a -> a.getCode() != Code.OK).singleElement()
                .satisfies(a -> {
                    assertThat(a.getIndex()).isEqualTo(50);
                    assertThat(a.getCode()).isEqualTo(Code.INVALID_ARGUMENT);
                    assertThat(a.getField()).isEqualTo("data");
                });
        assertThat(acks).extracting(EventResult::getIndex).doesNotHaveDuplicates();
        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), topic)) {
            assertThat(await().atMost(Duration.ofSeconds(60)).until(() -> probe.matching(r -> id(r).startsWith("s-")),
                    l -> l.size() >= 199)).hasSize(199).extracting(GrpcIngestIT::id).doesNotContain("s-50");
        }
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("unknown topic", Status.Code.NOT_FOUND, "topic"),
                Arguments.of("undeclared type", Status.Code.INVALID_ARGUMENT, "type"),
                Arguments.of("schema", Status.Code.INVALID_ARGUMENT, "data"),
                Arguments.of("no type", Status.Code.INVALID_ARGUMENT, "type"),
                Arguments.of("bad spec version", Status.Code.INVALID_ARGUMENT, "spec_version"),
                Arguments.of("bad delay", Status.Code.INVALID_ARGUMENT, "delay"),
                Arguments.of("delay too far", Status.Code.INVALID_ARGUMENT, "delay"),
                Arguments.of("expiry in the past", Status.Code.INVALID_ARGUMENT, "expires_at"),
                Arguments.of("too large", Status.Code.RESOURCE_EXHAUSTED, "data"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesBadInputWithTheStatusAndTheField(String what, Status.Code code, String field) throws Exception {
        PublishRequest good = request(event("r-1", "order.created", "{\"orderId\":\"1\"}"));
        PublishRequest bad = switch (what) {
            case "unknown topic" -> good.toBuilder().setTopic("no-such-topic-" + System.nanoTime()).build();
            case "undeclared type" -> request(event("r-1", "order.typo", "{}"));
            case "schema" -> request(event("r-1", "order.created", "{\"n\":1}"));
            case "no type" -> request(event("r-1", "", "{}"));
            case "bad spec version" -> request(event("r-1", "order.note", null).toBuilder().setSpecVersion("0.1").build());
            case "bad delay" -> good.toBuilder().setDelay("soon").build();
            case "delay too far" -> good.toBuilder().setDelay("P3650D").build();
            case "expiry in the past" -> good.toBuilder().setExpiresAt("2020-01-01T00:00:00Z").build();
            case "too large" -> request(event("r-1", "order.note", null).toBuilder()
                    .setBinaryData(ByteString.copyFrom(new byte[2 * 1024 * 1024])).build());
            default -> throw new IllegalArgumentException(what);
        };

        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> blocking(key).publish(bad));

        assertThat(e.getStatus().getCode()).as(e.toString()).isEqualTo(code);
        assertThat(badField(e)).as(e.toString()).isEqualTo(field);
        assertThat(e.getStatus().getDescription()).isNotBlank();
    }

    @Test
    void preparedEventIsDeliveredOnlyOnCommitAndCannotBeDecidedTwice() {
        PublishResponse prepared = blocking(key).publish(request(event("tx-g1", "order.note", null)).toBuilder().setPrepare(true).build());
        assertThat(prepared.getTransaction()).isEqualTo("PENDING");
        assertThat(prepared.hasDueAt()).isFalse();
        assertThat(admin.get("/transactions/tx-g1").json().get("state").asString()).isEqualTo("PENDING");

        TransactionResponse committed = blocking(key).commit(TransactionRequest.newBuilder().setId("tx-g1").build());

        assertThat(committed.getState()).isIn("COMMITTING", "PUBLISHED");
        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), topic)) {
            assertThat(await().atMost(Duration.ofSeconds(60)).until(() -> probe.matching(KafkaProbe.withId("tx-g1")), l -> !l.isEmpty()))
                    .hasSize(1);
        }
        StatusRuntimeException twice = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> blocking(key).rollback(TransactionRequest.newBuilder().setId("tx-g1").build()));
        assertThat(twice.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        StatusRuntimeException unknown = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> blocking(key).commit(TransactionRequest.newBuilder().setId("no-such-tx").build()));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void delayedEventIsAnsweredWithItsDueTimeAndCancelId() {
        PublishResponse answer = blocking(key).publish(request(event("d-1", "order.note", null)).toBuilder()
                .setDelay("PT1H").setDelayId("cancel-me-" + System.nanoTime()).build());

        assertThat(answer.hasDueAt()).isTrue();
        assertThat(Instant.ofEpochSecond(answer.getDueAt().getSeconds())).isAfter(Instant.now().plusSeconds(3500));
        assertThat(answer.getDelayId()).startsWith("cancel-me-");
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.delete("/delayed/" + answer.getDelayId()).status() == 200);
    }

    enum Who { NONE, WRONG, STRANGER, OWNER, ADMIN }

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (String method : List.of("Publish", "PublishBatch", "PublishStream", "Commit", "Rollback")) {
            out.add(Arguments.of(method, Who.NONE, Code.UNAUTHENTICATED));
            out.add(Arguments.of(method, Who.WRONG, Code.UNAUTHENTICATED));
            out.add(Arguments.of(method, Who.STRANGER, Code.PERMISSION_DENIED));
            out.add(Arguments.of(method, Who.OWNER, Code.OK));
            out.add(Arguments.of(method, Who.ADMIN, Code.OK));
        }
        return out.stream();
    }

    /** Every method of herald.v1.Ingest with every kind of caller; a new method without rows fails {@link #matrixCoversEveryMethod}. */
    @ParameterizedTest(name = "{0} as {1} -> {2}")
    @MethodSource("matrix")
    void authorizationMatrix(String method, Who who, Code expected) throws Exception {
        String token = switch (who) {
            case NONE -> null;
            case WRONG -> "hk_not-a-key";
            case STRANGER -> strangerKey;
            case OWNER -> key;
            case ADMIN -> ADMIN_TOKEN;
        };
        CloudEvent e = event("m-" + System.nanoTime(), "order.note", null);
        Code got;
        try {
            switch (method) {
                case "Publish" -> blocking(token).publish(request(e));
                case "PublishBatch" -> {
                    PublishBatchResponse r = blocking(token).publishBatch(PublishBatchRequest.newBuilder().setTopic(topic).addEvents(e).build());
                    assertThat(r.getResults(0).getCode()).isEqualTo(Code.OK);
                }
                case "Commit", "Rollback" -> {
                    // the owner prepares; the caller under test decides
                    blocking(key).publish(request(e).toBuilder().setPrepare(true).build());
                    TransactionRequest tx = TransactionRequest.newBuilder().setId(e.getId()).build();
                    TransactionResponse r = method.equals("Commit") ? blocking(token).commit(tx) : blocking(token).rollback(tx);
                    assertThat(r.getState()).isEqualTo(method.equals("Commit") ? "COMMITTING" : "ROLLED_BACK");
                }
                case "PublishStream" -> {
                    CompletableFuture<EventResult> ack = new CompletableFuture<>();
                    StreamObserver<PublishRequest> in = async(token).publishStream(new StreamObserver<>() {
                        public void onNext(EventResult r) {
                            ack.complete(r);
                        }

                        public void onError(Throwable t) {
                            ack.completeExceptionally(t);
                        }

                        public void onCompleted() {
                            ack.completeExceptionally(new IllegalStateException("completed without an answer"));
                        }
                    });
                    in.onNext(request(e));
                    in.onCompleted();
                    EventResult r = ack.get(20, TimeUnit.SECONDS);
                    // a stream is open to any authenticated caller; each event answers for its own topic
                    if (r.getCode() != Code.OK) {
                        throw Status.fromCodeValue(r.getCode().getNumber()).withDescription(r.getMessage()).asRuntimeException();
                    }
                }
                default -> throw new IllegalArgumentException(method);
            }
            got = Code.OK;
        } catch (StatusRuntimeException x) {
            got = Code.forNumber(x.getStatus().getCode().value());
        } catch (java.util.concurrent.ExecutionException x) {
            got = Code.forNumber(Status.fromThrowable(x.getCause()).getCode().value());
        }
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void matrixCoversEveryMethod() {
        List<String> methods = IngestGrpc.getServiceDescriptor().getMethods().stream()
                .map(m -> m.getBareMethodName()).toList();
        assertThat(matrix().map(a -> (String) a.get()[0]).distinct().toList()).containsExactlyInAnyOrderElementsOf(methods);
    }

    @Test
    void healthAndReflectionAnswerWithoutAKey() throws Exception {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService("herald.v1.Ingest").build());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

        CompletableFuture<ServerReflectionResponse> listed = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> ask = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(new StreamObserver<>() {
            public void onNext(ServerReflectionResponse r) {
                listed.complete(r);
            }

            public void onError(Throwable t) {
                listed.completeExceptionally(t);
            }

            public void onCompleted() {
            }
        });
        ask.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        ask.onCompleted();
        assertThat(listed.get(30, TimeUnit.SECONDS).getListServicesResponse().getServiceList())
                .extracting(s -> s.getName()).contains("herald.v1.Ingest", "grpc.health.v1.Health");
    }
}
