package io.herald.server.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.ingest.Http;
import io.herald.server.ingest.KafkaProbe;
import io.herald.server.support.Api;
import io.herald.server.support.ConsoleLogin;
import io.herald.server.support.TcpProxy;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * PostgreSQL goes away under a running server (its connections are cut and new ones refused, through
 * a TCP proxy in the test JVM, so the suite's PostgreSQL keeps running): readiness turns DOWN and
 * liveness stays UP, every database-backed API call answers 503 problem+json with Retry-After at
 * once, console pages and the login say the database is unavailable, HTTP ingestion with a known key
 * goes on (every event in Kafka once, a key revoked before the outage still refused), and everything
 * works again when PostgreSQL is back, without a restart.
 */
class DatabaseOutageIT {

    private static final String TOKEN = "database-outage-token";
    private static final String PASSWORD = "outage-password";
    private static final int EVENTS = 1_000;

    private static TcpProxy proxy;
    private static ConfigurableApplicationContext server;
    private static String base;
    private static Api admin;

    @BeforeAll
    static void start() throws Exception {
        String direct = TestInfra.createDatabase("herald_db_outage_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        Matcher hostPort = Pattern.compile("//([^:/]+)(?::(\\d+))?/").matcher(direct);
        assertThat(hostPort.find()).as(direct).isTrue();
        proxy = new TcpProxy(hostPort.group(1), hostPort.group(2) == null ? 5432 : Integer.parseInt(hostPort.group(2)));
        String proxied = direct.substring(0, hostPort.start()) + "//127.0.0.1:" + proxy.port() + "/" + direct.substring(hostPort.end());
        server = TestServers.start(proxied, TestInfra.kafkaBootstrap(), TOKEN, "--herald.security.admin-password=" + PASSWORD,
                "--herald.dispatch.enabled=false");
        base = "http://127.0.0.1:" + TestServers.port(server);
        admin = new Api(base + "/api/v1", TOKEN);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void anOutageIsAnswered503FastWhileIngestionGoesOnAndEndsWithoutRestart() throws Exception {
        // given an app with a key in use, a second key revoked before the outage, a topic, a signed-in console user
        String topic = "orders-" + Long.toString(System.nanoTime(), 36);
        String key = admin.post("/apps", Map.of("name", "shop")).json().get("apiKey").asString();
        Api.Response second = admin.post("/apps/shop/keys", Map.of());
        assertThat(second.status()).as(second.toString()).isIn(200, 201);
        String revoked = second.json().get("apiKey").asString();
        assertThat(admin.post("/topics", Map.of("name", topic, "app", "shop", "partitions", 3, "replicationFactor", 1,
                "types", List.of(Map.of("name", "order.created")))).status()).isEqualTo(201);
        assertThat(ingest(topic, revoked, "before-revoke").status()).isEqualTo(201);
        assertThat(admin.delete("/apps/shop/keys/" + second.json().get("id").asLong()).status()).isIn(200, 204);
        assertThat(ingest(topic, revoked, "after-revoke").status()).isEqualTo(401);
        assertThat(ingest(topic, key, "before").status()).isEqualTo(201);
        ConsoleLogin console = ConsoleLogin.session(base, "admin", PASSWORD);
        assertThat(console).isNotNull();
        assertThat(console.get("/apps").statusCode()).isEqualTo(200);

        // when PostgreSQL goes away
        long cut = System.nanoTime();
        proxy.cut();

        // then readiness is DOWN within moments and liveness stays UP
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> Http.get(base + "/actuator/health/readiness", null).status() == 503);
        long readinessMs = (System.nanoTime() - cut) / 1_000_000;
        Http.Answer readiness = Http.get(base + "/actuator/health/readiness", null);
        assertThat(readiness.body()).contains("DOWN");
        Http.Answer liveness = Http.get(base + "/actuator/health/liveness", null);
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(liveness.body()).contains("UP");

        // every database-backed API call: 503 problem+json with Retry-After, at once (admin token, app key, the SDK's config call)
        long slowestApiMs = 0;
        Map<String, String> calls = new java.util.LinkedHashMap<>();
        calls.put("/apps", TOKEN);
        calls.put("/topics", TOKEN);
        calls.put("/apps/shop", key);
        calls.put("/config/shop?since=0", key);
        calls.put("/audit", TOKEN);
        for (var call : calls.entrySet()) {
            long t0 = System.nanoTime();
            Http.Answer a = Http.get(base + "/api/v1" + call.getKey(), call.getValue());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            slowestApiMs = Math.max(slowestApiMs, ms);
            assertThat(a.status()).as(call.getKey() + ": " + a).isEqualTo(503);
            assertThat(a.header("Content-Type")).as(call.getKey()).startsWith("application/problem+json");
            assertThat(a.header("Retry-After")).as(call.getKey()).isNotBlank();
            assertThat(a.json().get("title").asString()).isEqualTo("Database unavailable");
            assertThat(a.body()).doesNotContain("Exception").doesNotContain("timestamp");
        }
        // a key the server has never seen cannot be checked: 503, not 401 or 500
        Http.Answer unknownKey = Http.get(base + "/api/v1/apps/shop", "hk_never-issued-0123456789abcdef");
        assertThat(unknownKey.status()).as(unknownKey.toString()).isEqualTo(503);
        assertThat(unknownKey.header("Content-Type")).startsWith("application/problem+json");

        // health shows no exception class and no working directory, to anyone
        for (String token : new String[] {null, key, TOKEN}) {
            Http.Answer health = Http.get(base + "/actuator/health", token);
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.body()).as(health.body()).doesNotContain("Exception").doesNotContain(System.getProperty("user.dir"))
                    .doesNotContain("\"path\"");
        }
        assertThat(Http.get(base + "/actuator/health", TOKEN).json().at("/components/db/status").asString()).isEqualTo("DOWN");

        // the console: a page says the database is unavailable, an htmx request gets a toast, not JSON
        HttpResponse<String> page = console.get("/apps", "Accept", "text/html");
        assertThat(page.statusCode()).isEqualTo(503);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("Database unavailable");
        HttpResponse<String> fragment = console.get("/apps", "HX-Request", "true", "Accept", "*/*");
        assertThat(fragment.statusCode()).isEqualTo(503);
        assertThat(fragment.headers().firstValue("HX-Retarget").orElse("")).isEqualTo("#toast");
        assertThat(fragment.body()).contains("Database unavailable").doesNotStartWith("{");

        // the login page says the database is down instead of "wrong password"
        String login = signInWhileDown();
        assertThat(login).contains("Database unavailable").doesNotContain("Wrong user name or password");

        // HTTP ingestion with the known key goes on: every event answered 201 once Kafka has it; the revoked key stays refused
        assertThat(ingest(topic, revoked, "revoked-during").status()).isEqualTo(401);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Http.Answer>> answers = new ArrayList<>();
        long ingestStart = System.nanoTime();
        for (int i = 0; i < EVENTS; i++) {
            String id = "during-" + i;
            answers.add(pool.submit(() -> ingest(topic, key, id)));
        }
        Map<Integer, Integer> statuses = new HashMap<>();
        for (Future<Http.Answer> a : answers) {
            statuses.merge(a.get().status(), 1, Integer::sum);
        }
        long ingestMs = (System.nanoTime() - ingestStart) / 1_000_000;
        pool.shutdown();
        assertThat(statuses).isEqualTo(Map.of(201, EVENTS));
        long outageMs = (System.nanoTime() - cut) / 1_000_000;

        // when PostgreSQL is back
        proxy.restore();
        long back = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> Http.get(base + "/actuator/health/readiness", null).status() == 200);
        long recoveryMs = (System.nanoTime() - back) / 1_000_000;

        // then everything answers again, without a restart
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> admin.get("/apps").status() == 200);
        long apiBackMs = (System.nanoTime() - back) / 1_000_000;
        assertThat(console.get("/apps").statusCode()).isEqualTo(200);
        assertThat(ConsoleLogin.signIn(base, "admin", PASSWORD)).isTrue();
        assertThat(Http.get(base + "/actuator/prometheus", null).body()).contains("herald_database_up{application=\"herald\"} 1.0")
                .contains("herald_database_outages_total{application=\"herald\"} 1.0");

        // and Kafka has every event acknowledged during the outage, once
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaProbe kafka = new KafkaProbe(TestInfra.kafkaBootstrap(), topic)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                seen.clear();
                kafka.poll().forEach(r -> {
                    String id = KafkaProbe.header(r, "ce_id");
                    if (id != null && id.startsWith("during-")) {
                        seen.merge(id, 1, Integer::sum);
                    }
                });
                return seen.size() == EVENTS;
            });
        }
        long duplicates = seen.values().stream().filter(n -> n > 1).count();
        assertThat(duplicates).isZero();
        System.out.printf("DatabaseOutageIT: outage %d ms; readiness DOWN after %d ms; slowest API answer %d ms (503);"
                        + " %d events sent during the outage in %d ms: %d answered 201, %d present in Kafka, %d duplicated;"
                        + " readiness UP %d ms and the API 200 %d ms after PostgreSQL was back%n",
                outageMs, readinessMs, slowestApiMs, EVENTS, ingestMs, statuses.getOrDefault(201, 0), seen.size(), duplicates, recoveryMs, apiBackMs);
    }

    private static Http.Answer ingest(String topic, String key, String id) {
        return Http.post(base + "/api/v1/topics/" + topic + "/events", key, Map.of("ce-specversion", "1.0", "ce-id", id,
                "ce-source", "/shop", "ce-type", "order.created", "Content-Type", "application/json"),
                ("{\"n\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** Signs in as a browser does while PostgreSQL is down; the page the browser is sent to. */
    private static String signInWhileDown() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String form = browser.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"_csrf\"").matcher(form);
        assertThat(csrf.find()).as(form).isTrue();
        String token = csrf.group(1) != null ? csrf.group(1) : csrf.group(2);
        HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=admin&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)
                        + "&_csrf=" + URLEncoder.encode(token, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(302);
        String location = posted.headers().firstValue("Location").orElseThrow();
        return browser.send(HttpRequest.newBuilder(URI.create(location.startsWith("http") ? location : base + location)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
