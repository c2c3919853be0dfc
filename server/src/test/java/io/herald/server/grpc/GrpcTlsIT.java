package io.herald.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cloudevents.v1.proto.CloudEvent;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.herald.proto.v1.CheckRequest;
import io.herald.proto.v1.CheckResponse;
import io.herald.proto.v1.CheckerGrpc;
import io.herald.proto.v1.DispatchRequest;
import io.herald.proto.v1.DispatchResponse;
import io.herald.proto.v1.DispatcherGrpc;
import io.herald.proto.v1.IngestGrpc;
import io.herald.proto.v1.PublishRequest;
import io.herald.proto.v1.PublishResponse;
import io.herald.server.ingest.KafkaProbe;
import io.herald.server.support.Api;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * gRPC over TLS, with certificates made for the test by the JDK's keytool: a CA, and a certificate
 * it signed for 127.0.0.1 and localhost. The server speaks TLS only on its gRPC port
 * ({@code herald.grpc.cert-chain} / {@code private-key}) and trusts the CA for {@code grpcs://}
 * targets ({@code herald.grpc.trust-certs}): a real grpc-java client publishes over TLS, a plaintext
 * one is refused, a gRPC processor and a gRPC check-back reach services the CA signed, and a
 * service whose certificate nobody trusts is never called.
 */
class GrpcTlsIT {

    private static final String TOKEN = "grpc-tls-token";
    private static final String PASSWORD = "changeit";
    private static Path dir;
    private static Path caPem;
    /** The certificate the CA signed (leaf + CA) and its key, for Herald's gRPC server and the user's services. */
    private static Path chainPem;
    private static Path keyPem;
    /** A self-signed certificate that nobody trusts, and its key. */
    private static Path strangerPem;
    private static Path strangerKeyPem;
    private static ConfigurableApplicationContext server;
    private static Api admin;
    private static int grpcPort;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("herald-grpc-tls");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Herald Test CA",
                "-ext", "bc:c", "-validity", "2", "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-file", "ca.pem");
        keytool("-genkeypair", "-alias", "svc", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-keystore", "svc.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-certreq", "-alias", "svc", "-keystore", "svc.p12", "-storepass", PASSWORD, "-file", "svc.csr");
        keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-infile", "svc.csr", "-outfile", "svc.pem",
                "-rfc", "-validity", "2", "-ext", "SAN=dns:localhost,ip:127.0.0.1");
        keytool("-genkeypair", "-alias", "stranger", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", "stranger.p12", "-storetype", "PKCS12",
                "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "stranger", "-keystore", "stranger.p12", "-storepass", PASSWORD, "-file", "stranger.pem");
        caPem = dir.resolve("ca.pem");
        chainPem = dir.resolve("chain.pem");
        Files.writeString(chainPem, Files.readString(dir.resolve("svc.pem")) + "\n" + Files.readString(caPem));
        keyPem = privateKey("svc.p12", "svc");
        strangerPem = dir.resolve("stranger.pem");
        strangerKeyPem = privateKey("stranger.p12", "stranger");

        try (ServerSocket s = new ServerSocket(0)) {
            grpcPort = s.getLocalPort();
        }
        String db = TestInfra.createDatabase("herald_tls_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        server = TestServers.start(db, TestInfra.kafkaBootstrap(), TOKEN, "--herald.grpc.port=" + grpcPort,
                "--herald.grpc.cert-chain=" + chainPem, "--herald.grpc.private-key=" + keyPem, "--herald.grpc.trust-certs=" + caPem,
                "--herald.dispatch.reconcile=200ms",
                // its own intake group: the suite's shared server reads herald.tx.half into another database
                "--herald.tx.intake-group=herald.tx.tls-" + UUID.randomUUID());
        admin = TestServers.api(server, TOKEN);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("keytool " + String.join(" ", args) + ": " + out).isZero();
    }

    /** The key of {@code alias} in a PKCS#12 store, written as a PKCS#8 PEM file. */
    private static Path privateKey(String store, String alias) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(dir.resolve(store))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        byte[] pkcs8 = ks.getKey(alias, PASSWORD.toCharArray()).getEncoded();
        Path pem = dir.resolve(alias + "-key.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n");
        return pem;
    }

    private ManagedChannel channel(ChannelCredentials credentials) {
        ManagedChannel c = Grpc.newChannelBuilderForAddress("127.0.0.1", grpcPort, credentials).build();
        closeables.add(() -> c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return c;
    }

    private static ChannelCredentials trustingTheCa() throws IOException {
        return TlsChannelCredentials.newBuilder().trustManager(caPem.toFile()).build();
    }

    private static IngestGrpc.IngestBlockingStub ingest(ManagedChannel channel, String key) {
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return IngestGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static PublishRequest event(String topic, String id, boolean prepare) {
        return PublishRequest.newBuilder().setTopic(topic).setPrepare(prepare).setEvent(CloudEvent.newBuilder().setSpecVersion("1.0")
                .setId(id).setSource("/shop").setType("paid").setTextData("{\"order\":\"" + id + "\"}")
                .putAttributes("datacontenttype", CloudEvent.CloudEventAttributeValue.newBuilder().setCeString("application/json").build()))
                .build();
    }

    /** An app with a one-partition topic of type {@code paid}: its name, key and topic. */
    private static String[] app() {
        String name = "tls-" + Long.toString(System.nanoTime(), 36);
        String key = admin.post("/apps", Map.of("name", name)).json().get("apiKey").asString();
        String topic = name + "-t";
        var created = admin.post("/topics", Map.of("name", topic, "app", name, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "paid"))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return new String[] {name, key, topic};
    }

    /** A TLS server on 127.0.0.1 with the given certificate, serving {@code services}. */
    private Server tlsServer(Path chain, Path key, io.grpc.BindableService service) throws IOException {
        Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), TlsServerCredentials.create(chain.toFile(), key.toFile()))
                .addService(service).build().start();
        closeables.add(() -> s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return s;
    }

    @Test
    void publishesOverTlsWithTheApiKeyAndRefusesPlaintext() throws Exception {
        String[] app = app();

        // a client that trusts the CA publishes over TLS with the app's key
        PublishResponse published = ingest(channel(trustingTheCa()), app[1]).publish(event(app[2], "tls-1", false));
        assertThat(published.getId()).isEqualTo("tls-1");
        assertThat(published.getTopic()).isEqualTo(app[2]);
        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), app[2])) {
            List<ConsumerRecord<byte[], byte[]>> records = await().atMost(Duration.ofSeconds(30)).until(probe::poll, l -> !l.isEmpty());
            assertThat(KafkaProbe.header(records.get(0), "ce_id")).isEqualTo("tls-1");
        }

        // over TLS the key is still checked
        assertThatThrownBy(() -> ingest(channel(trustingTheCa()), "not-a-key").publish(event(app[2], "tls-2", false)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

        // a plaintext client gets no answer from the TLS port
        assertThatThrownBy(() -> ingest(channel(InsecureChannelCredentials.create()), app[1]).publish(event(app[2], "tls-3", false)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        // nor does a TLS client that does not trust the server's certificate
        assertThatThrownBy(() -> ingest(channel(TlsChannelCredentials.newBuilder().trustManager(strangerPem.toFile()).build()), app[1])
                .publish(event(app[2], "tls-4", false)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void pushesToAGrpcsProcessorWhoseCertificateTheTrustedCaSignedAndNeverToAnUntrustedOne() throws Exception {
        List<DispatchRequest> trusted = new CopyOnWriteArrayList<>();
        List<DispatchRequest> untrusted = new CopyOnWriteArrayList<>();
        Server good = tlsServer(chainPem, keyPem, dispatcher(trusted));
        Server stranger = tlsServer(strangerPem, strangerKeyPem, dispatcher(untrusted));
        String[] app = app();
        long goodBinding = admin.post("/bindings", Map.of("app", app[0], "group", app[0] + "-good", "topic", app[2], "kind", "FANOUT"))
                .json().get("id").asLong();
        var strangerBinding = admin.post("/bindings", Map.of("app", app[0], "group", app[0] + "-stranger", "topic", app[2],
                "kind", "FANOUT")).json();
        for (var p : List.of(Map.of("bindingId", goodBinding, "address", "grpcs://127.0.0.1:" + good.getPort()),
                Map.of("bindingId", strangerBinding.get("id").asLong(), "address", "grpcs://127.0.0.1:" + stranger.getPort()))) {
            var created = admin.post("/processors", Map.of("bindingId", p.get("bindingId"), "protocol", "GRPC", "address", p.get("address"),
                    "timeoutMillis", 2000, "retryCount", 1, "retryIntervalMillis", 100));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
        }

        // when an event is published (over TLS)
        ingest(channel(trustingTheCa()), app[1]).publish(event(app[2], "tls-push", false));

        // then the service the CA signed gets it over TLS
        await().atMost(Duration.ofSeconds(60)).until(() -> !trusted.isEmpty());
        assertThat(trusted.get(0).getEvent().getId()).isEqualTo("tls-push");
        // and the one nobody trusts is never called: after the retry, the event is in its group's dead letters
        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), strangerBinding.get("deadLetterTopic").asString())) {
            ConsumerRecord<byte[], byte[]> dead = await().atMost(Duration.ofSeconds(60)).until(probe::poll, l -> !l.isEmpty()).get(0);
            assertThat(KafkaProbe.header(dead, "ce_id")).isEqualTo("tls-push");
            assertThat(KafkaProbe.header(dead, "herald-dlt-reason")).contains("UNAVAILABLE");
        }
        assertThat(untrusted).isEmpty();
    }

    private static DispatcherGrpc.DispatcherImplBase dispatcher(List<DispatchRequest> received) {
        return new DispatcherGrpc.DispatcherImplBase() {
            @Override
            public void dispatch(DispatchRequest request, StreamObserver<DispatchResponse> response) {
                received.add(request);
                response.onNext(DispatchResponse.newBuilder().setOutcome(DispatchResponse.Outcome.DONE).build());
                response.onCompleted();
            }
        };
    }

    @Test
    void checksBackAtAGrpcsCheckerWhoseCertificateTheTrustedCaSigned() throws Exception {
        List<CheckRequest> asked = new CopyOnWriteArrayList<>();
        Server checker = tlsServer(chainPem, keyPem, new CheckerGrpc.CheckerImplBase() {
            @Override
            public void check(CheckRequest request, StreamObserver<CheckResponse> response) {
                asked.add(request);
                response.onNext(CheckResponse.newBuilder().setState(CheckResponse.State.COMMIT).build());
                response.onCompleted();
            }
        });
        String[] app = app();
        Api.Response settings = admin.send("PUT", "/producer-settings/" + app[0], Map.of("checkProtocol", "GRPC",
                "checkAddress", "grpcs://127.0.0.1:" + checker.getPort(), "checkIntervalMs", 300, "maxChecks", 20));
        assertThat(settings.status()).as(settings.toString()).isEqualTo(200);

        // when a half event is prepared over TLS and never decided by the producer
        PublishResponse prepared = ingest(channel(trustingTheCa()), app[1]).publish(event(app[2], "tls-tx", true));
        assertThat(prepared.getTransaction()).isEqualTo("PENDING");

        // then Herald asks the producer's Checker over TLS, which commits it
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/transactions/tls-tx").json().path("state").asString(""),
                "PUBLISHED"::equals);
        assertThat(admin.get("/transactions/tls-tx").json().get("decidedBy").asString()).isEqualTo("grpc-check");
        assertThat(asked).extracting(CheckRequest::getId).contains("tls-tx");
    }
}
