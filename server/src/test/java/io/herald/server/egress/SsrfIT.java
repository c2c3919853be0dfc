package io.herald.server.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.dispatch.Endpoint;
import io.herald.server.ingest.Http;
import io.herald.server.ingest.KafkaProbe;
import io.herald.server.support.Api;
import io.herald.server.support.ConsoleLogin;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * An app's key cannot aim the server at itself or its network: processors' endpoints (HTTP and gRPC) and HTTP
 * check-back addresses on loopback, link-local, private, unspecified and multicast addresses are refused with
 * 422 naming the field (API and console), a name that later resolves to loopback is refused when the server
 * connects (DNS rebinding), and {@code herald.dispatch.allowed-targets} opts chosen targets in.
 *
 * <p>Its own server, with Herald's default deny list (the suite's servers allow loopback for their local
 * endpoints) and its own database, and a resolver that answers this test's host names as DNS would.
 */
class SsrfIT {

    private static final String TOKEN = "ssrf-admin-token-0123456789";
    private static final String PASSWORD = "ssrf-admin-password";
    /** This test's DNS: host name → address; other names go to the system resolver. */
    static final Map<String, String> NAMES = new ConcurrentHashMap<>();

    /** Not @Configuration: the server's component scan would pick it up for every test server. */
    static class Names {
        @Bean
        EgressPolicy.HostResolver testNames() {
            return host -> {
                String a = NAMES.get(host);
                return a == null ? InetAddress.getAllByName(host) : new InetAddress[] {InetAddress.getByName(a)};
            };
        }
    }

    private static Endpoint allowed;
    private static ConfigurableApplicationContext server;
    private static Api admin;
    private static String base;

    @BeforeAll
    static void start() {
        allowed = new Endpoint();
        NAMES.put("allowed.test", "127.0.0.1");
        String db = TestInfra.createDatabase("herald_ssrf_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        server = TestServers.start(new Class<?>[] {Names.class}, db, TestInfra.kafkaBootstrap(), TOKEN,
                "--herald.security.admin-password=" + PASSWORD, "--herald.dispatch.reconcile=200ms",
                // a host name and one address:port opted in; everything else on loopback stays refused
                "--herald.dispatch.allowed-targets=allowed.test,127.0.0.1:" + port(allowed));
        admin = TestServers.api(server, TOKEN);
        base = "http://127.0.0.1:" + TestServers.port(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (allowed != null) {
            allowed.close();
        }
    }

    private record Bound(String app, String key, String topic, long bindingId, String deadLetterTopic) {
    }

    private static Bound binding() {
        String app = unique("ssrf");
        String key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        String topic = unique("ssrft");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "a")))).status()).isEqualTo(201);
        var b = admin.post("/bindings", Map.of("app", app, "group", "g-" + app, "topic", topic, "kind", "FANOUT")).json();
        return new Bound(app, key, topic, b.get("id").asLong(), b.get("deadLetterTopic").asString());
    }

    private static Api.Response processor(Bound b, String protocol, String address, Api as) {
        return as.post("/processors", Map.of("bindingId", b.bindingId(), "protocol", protocol, "address", address,
                "timeoutMillis", 2000, "retryIntervalMillis", 50, "retryCount", 1));
    }

    private static String send(Bound b) {
        String id = unique("m");
        Http.Answer a = Http.post(base + "/api/v1/topics/" + b.topic() + "/events", b.key(), Map.of("ce-specversion", "1.0",
                "ce-id", id, "ce-source", "/t", "ce-type", "a", "Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        return id;
    }

    private static void assertRefused(Api.Response r, String field, String kind) {
        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.json().toString()).contains("\"field\":\"" + field + "\"").contains(kind)
                .contains("herald.dispatch.allowed-targets");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "HTTP | http://127.0.0.1:8080/hook | a loopback address",
            "HTTP | http://localhost:8080/hook | a loopback address",
            "HTTP | http://[::1]:8080/hook | a loopback address",
            "HTTP | http://169.254.169.254/latest/meta-data/ | a link-local address",
            "HTTP | http://[fe80::1]/hook | a link-local address",
            "HTTP | https://10.0.0.8/hook | a private address",
            "HTTP | http://172.16.0.1/hook | a private address",
            "HTTP | http://192.168.0.10/hook | a private address",
            "HTTP | http://[fd12::1]/hook | a private address",
            "HTTP | http://0.0.0.0:8080/hook | an unspecified address",
            "HTTP | http://224.0.0.1/hook | a multicast address",
            "GRPC | 127.0.0.1:7070 | a loopback address",
            "GRPC | grpcs://169.254.169.254:443 | a link-local address",
            "GRPC | [::1]:7070 | a loopback address",
            "GRPC | 10.1.1.1:9090 | a private address"})
    void anAppKeyCannotAimAProcessorInsideTheNetwork(String protocol, String address, String kind) {
        Bound b = binding();
        Api owner = admin.as(b.key());

        assertRefused(processor(b, protocol, address, owner), "address", kind);
        assertThat(admin.get("/processors?app=" + b.app()).json()).isEmpty();

        // nor move an existing processor there
        Api.Response created = processor(b, protocol, protocol.equals("GRPC") ? "dispatch.example.com:9090" : "https://hooks.example.com/x",
                owner);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        assertRefused(owner.patch("/processors/" + id, Map.of("address", address)), "address", kind);
        assertThat(admin.get("/processors/" + id).json().get("address").asString()).doesNotContain(address);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {"HTTP | http://127.0.0.1:9999/tx-check | a loopback address",
            "HTTP | http://169.254.169.254/latest/meta-data/ | a link-local address", "HTTP | http://192.168.1.1/tx | a private address",
            "GRPC | 127.0.0.1:7070 | a loopback address", "GRPC | grpcs://10.2.3.4:443 | a private address"})
    void anAppKeyCannotAimItsCheckBackInsideTheNetwork(String protocol, String address, String kind) {
        Bound b = binding();
        Api.Response r = admin.as(b.key()).send("PUT", "/producer-settings/" + b.app(), Map.of("checkProtocol", protocol,
                "checkAddress", address, "checkIntervalMs", 1000, "maxChecks", 5));
        assertRefused(r, "checkAddress", kind);
        assertThat(admin.get("/producer-settings/" + b.app()).json().get("checkProtocol").asString()).isEqualTo("KAFKA");
    }

    @Test
    void theConsoleFormShowsTheRefusalBesideTheAddressField() throws Exception {
        Bound b = binding();
        ConsoleLogin console = ConsoleLogin.session(base, "admin", PASSWORD);
        assertThat(console).isNotNull();

        HttpResponse<String> page = console.submit("/bindings/" + b.bindingId() + "/processor/new",
                "/bindings/" + b.bindingId() + "/processor", Map.of("protocol", "HTTP",
                        "address", "http://169.254.169.254/latest/meta-data/", "timeoutMillis", "5000", "retryIntervalMillis", "1000",
                        "retryCount", "3", "concurrency", "1"));

        assertThat(page.statusCode()).isEqualTo(422);
        assertThat(page.body()).containsPattern("id=\"err-address\"[^>]*>must not point at 169\\.254\\.169\\.254, a link-local address")
                .contains("aria-invalid=\"true\"");
        assertThat(admin.get("/processors?app=" + b.app()).json()).isEmpty();
    }

    @Test
    void aNameThatResolvesToLoopbackWhenTheServerConnectsIsNotCalled() throws Exception {
        try (Endpoint inside = new Endpoint()) {
            // when the processor is saved the name points at a public address...
            NAMES.put("rebind.test", "203.0.113.10");
            NAMES.put("rebind-grpc.test", "203.0.113.11");
            Bound http = binding();
            Bound grpc = binding();
            assertThat(processor(http, "HTTP", "http://rebind.test:" + port(inside) + "/hook", admin.as(http.key())).status())
                    .isEqualTo(201);
            assertThat(processor(grpc, "GRPC", "rebind-grpc.test:" + port(inside), admin.as(grpc.key())).status()).isEqualTo(201);
            // ...then at the server's own loopback, where an endpoint is listening
            NAMES.put("rebind.test", "127.0.0.1");
            NAMES.put("rebind-grpc.test", "127.0.0.1");

            String httpId = send(http);
            String grpcId = send(grpc);

            assertThat(deadLetterReason(http, httpId)).contains("Herald refused to connect to rebind.test:" + port(inside))
                    .contains("it resolves to 127.0.0.1, a loopback address");
            assertThat(deadLetterReason(grpc, grpcId)).contains("Herald refused to connect to rebind-grpc.test:" + port(inside))
                    .contains("127.0.0.1, a loopback address");
            assertThat(inside.count()).as("requests that reached the loopback endpoint").isZero();
        }
    }

    @Test
    void anHttpCheckBackToANameNowOnLoopbackIsNotMadeWhileAnAllowedOneCommits() throws Exception {
        try (Endpoint inside = new Endpoint(2); Endpoint checker = new Endpoint(2)) {
            checker.script((n, r) -> new Endpoint.Answer(200, Map.of("Content-Type", "text/plain"), 0, "COMMIT"));
            NAMES.put("rebind-check.test", "203.0.113.12");
            Bound refused = binding();
            Bound fine = binding();
            assertThat(admin.as(refused.key()).send("PUT", "/producer-settings/" + refused.app(), Map.of("checkProtocol", "HTTP",
                    "checkAddress", "http://rebind-check.test:" + port(inside) + "/tx", "checkIntervalMs", 200, "maxChecks", 50))
                    .status()).isEqualTo(200);
            // allowed.test is in herald.dispatch.allowed-targets: it may resolve to loopback
            assertThat(admin.as(fine.key()).send("PUT", "/producer-settings/" + fine.app(), Map.of("checkProtocol", "HTTP",
                    "checkAddress", "http://allowed.test:" + port(checker) + "/tx", "checkIntervalMs", 200, "maxChecks", 50))
                    .status()).isEqualTo(200);
            NAMES.put("rebind-check.test", "127.0.0.1");

            String pending = prepare(refused);
            String committed = prepare(fine);

            await().atMost(Duration.ofSeconds(60)).until(() -> state(committed).equals("PUBLISHED"));
            assertThat(checker.count()).isPositive();
            // the other was due for checks all along; none reached the loopback endpoint
            assertThat(state(pending)).isEqualTo("PENDING");
            assertThat(inside.count()).isZero();
        }
    }

    @Test
    void allowedTargetsLetChosenLoopbackTargetsThroughAndOnlyThose() {
        // by name (allowed.test resolves to 127.0.0.1) and by address:port
        Bound byName = binding();
        Bound byAddress = binding();
        Bound otherPort = binding();
        assertThat(processor(byName, "HTTP", "http://allowed.test:" + port(allowed) + "/by-name", admin.as(byName.key())).status())
                .isEqualTo(201);
        assertThat(processor(byAddress, "HTTP", allowed.url(), admin.as(byAddress.key())).status()).isEqualTo(201);
        assertRefused(processor(otherPort, "HTTP", "http://127.0.0.1:" + (port(allowed) + 1) + "/hook", admin.as(otherPort.key())),
                "address", "a loopback address");

        String one = send(byName);
        String two = send(byAddress);

        await().atMost(Duration.ofSeconds(60)).until(() -> allowed.received().stream().map(r -> r.header("ce-id")).toList()
                .containsAll(List.of(one, two)));
    }

    private static String prepare(Bound b) {
        String id = unique("tx");
        Map<String, String> h = new HashMap<>(Map.of("ce-specversion", "1.0", "ce-id", id, "ce-source", "/shop", "ce-type", "a",
                "Content-Type", "application/json", "Herald-Transaction", "prepare"));
        Http.Answer a = Http.post(base + "/api/v1/topics/" + b.topic() + "/events", b.key(), h, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        return id;
    }

    private static String state(String id) {
        Api.Response r = admin.get("/transactions/" + id);
        return r.status() == 200 ? r.json().get("state").asString() : "HTTP " + r.status();
    }

    private static String deadLetterReason(Bound b, String id) {
        try (KafkaProbe dlt = new KafkaProbe(TestInfra.kafkaBootstrap(), b.deadLetterTopic())) {
            ConsumerRecord<byte[], byte[]> r = await().atMost(Duration.ofSeconds(60))
                    .until(() -> dlt.matching(KafkaProbe.withId(id)), l -> !l.isEmpty()).get(0);
            return KafkaProbe.header(r, "herald-dlt-reason");
        }
    }

    private static int port(Endpoint e) {
        String url = e.url();
        return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1, url.indexOf('/', url.lastIndexOf(':'))));
    }

    private static String unique(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime(), 36);
    }
}
