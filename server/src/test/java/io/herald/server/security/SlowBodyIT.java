package io.herald.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.support.RawHttp;
import io.herald.server.support.ServerTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that send a request body a byte a second (a "slow body" attack) against the real server: without
 * limits, about 200 of them held every Tomcat worker thread and health and the API stopped answering.
 */
class SlowBodyIT extends ServerTest {

    private static final int CONNECTIONS = 300;
    /** Of those, this many present a valid API key: their bodies are read, within herald.http.body-timeout. */
    private static final int WITH_KEY = 10;
    private static final Duration ATTACK = Duration.ofSeconds(20);
    private static final long BODY_TIMEOUT_MS = 10_000;
    private static final long ANSWER_WITHIN_MS = 1_000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private String app;
    private String key;
    private String topic;

    /** What one slow connection got: the answer's status (-1 none), how it ended, after how long; the answer of one with a key. */
    record Outcome(boolean withKey, int status, String how, long millis, String target, String answer) {
    }

    /** One call of the well-behaved client. */
    record Call(String what, int status, long millis) {
    }

    @BeforeEach
    void catalog() {
        app = unique("patient");
        key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        topic = unique("steady");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "tick")))).status()).isEqualTo(201);
    }

    @Test
    void slowBodiesHoldNoWorkerWhileTheApiAndHealthKeepAnswering() throws Exception {
        // given: the client's calls answer (and are warm); how fast they are before the attack, for comparison
        List<Call> before = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            before.add(call(i));
            assertThat(before.get(i).status()).as(before.get(i).toString()).isEqualTo(expected(i));
        }

        // when: 300 connections post 100,000-byte bodies a byte a second for 20 s, reconnecting about 2 s after being cut off;
        // most have no credentials, some the app's valid key; half aim at ingestion, the others at /apps
        AtomicBoolean over = new AtomicBoolean();
        Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        CountDownLatch connected = new CountDownLatch(CONNECTIONS);
        List<Thread> attackers = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            boolean withKey = i % (CONNECTIONS / WITH_KEY) == 0;
            String target = (withKey ? i / (CONNECTIONS / WITH_KEY) : i) % 2 == 0 ? "/api/v1/topics/" + topic + "/events"
                    : "/api/v1/apps";
            Thread t = new Thread(() -> trickle(target, withKey, over, connected, outcomes), "slow-body-" + i);
            t.setDaemon(true);
            t.start();
            attackers.add(t);
            // within a second and a half, not all in the same millisecond
            Thread.sleep(5);
        }
        assertThat(connected.await(30, TimeUnit.SECONDS)).as("all slow connections opened").isTrue();
        long end = System.nanoTime() + ATTACK.toNanos();

        // and: meanwhile a client with a valid key calls the API (a read, an ingestion) and health every 200 ms
        List<Call> calls = new ArrayList<>();
        for (int i = 0; System.nanoTime() < end; i++) {
            long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            calls.add(call(i));
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
        over.set(true);
        for (Thread t : attackers) {
            t.join(10_000);
        }

        // then: every call of the client was answered, right, within a second
        System.out.printf("SlowBodyIT: slowest call (ms) before the attack %s, during it %s (%d calls); %d slow-body connections: %s%n",
                slowest(before), slowest(calls), calls.size(), outcomes.size(), outcomes.stream().collect(Collectors.groupingBy(
                        o -> (o.withKey() ? "key " : "none ") + o.status() + " " + o.how(), TreeMap::new, Collectors.counting())));
        assertThat(calls).hasSizeGreaterThan(50);
        assertThat(calls).allSatisfy(c -> {
            assertThat(c.status()).as(c.toString()).isEqualTo(expected(c.what()));
            assertThat(c.millis()).as(c.toString()).isLessThan(ANSWER_WITHIN_MS);
        });

        // and: the bodies without credentials were refused at once, unread: 401, the connection closed
        List<Outcome> anonymous = outcomes.stream().filter(o -> !o.withKey()).toList();
        assertThat(anonymous).hasSizeGreaterThanOrEqualTo(CONNECTIONS - WITH_KEY);
        assertThat(anonymous).allSatisfy(o -> {
            assertThat(o.status()).as(o.toString()).isEqualTo(401);
            assertThat(o.how()).as(o.toString()).isEqualTo("answered, closed");
            assertThat(o.millis()).as(o.toString()).isLessThan(ANSWER_WITHIN_MS);
        });

        // and: the bodies with a key were read until their deadline, then answered 408 (those opened in the attack's
        // last seconds were still within theirs when it ended)
        List<Outcome> withKey = outcomes.stream().filter(Outcome::withKey).toList();
        withKey.forEach(o -> System.out.printf("SlowBodyIT: with a key, %s: %d %s after %d ms%n", o.target(), o.status(), o.how(),
                o.millis()));
        assertThat(withKey).allSatisfy(o -> {
            assertThat(o.status()).as(o.toString()).isIn(408, -1);
            if (o.status() == 408) {
                assertThat(o.millis()).as(o.toString()).isBetween(BODY_TIMEOUT_MS - 1_000, BODY_TIMEOUT_MS + 5_000);
            } else {
                assertThat(o.how()).as(o.toString()).isEqualTo("open at the end");
                assertThat(o.millis()).as(o.toString()).isLessThan(BODY_TIMEOUT_MS + 5_000);
            }
        });
        assertThat(withKey.stream().filter(o -> o.status() == 408)).hasSizeGreaterThanOrEqualTo(WITH_KEY);
    }

    @Test
    void slowSignInFormsAreCutOffAndOnlyAFewAreReadAtOnce() throws Exception {
        // given: the 20 small bodies of callers that are not signed in that the server reads at once, trickling
        List<Socket> signIns = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                signIns.add(open("/login", 500, null, "application/x-www-form-urlencoded"));
            }
            Thread.sleep(300);

            // when: one more sign-in form arrives
            try (Socket more = open("/login", 500, null, "application/x-www-form-urlencoded")) {
                // then: it is answered at once, unread: 503 with Retry-After
                String answer = head(more, 2_000);
                assertThat(answer).startsWith("HTTP/1.1 503").containsIgnoringCase("Retry-After: 1")
                        .containsIgnoringCase("Connection: close");
            }

            // and: the 20 are cut off once their 3 s are over, though their bodies are not complete (Tomcat drops the
            // connection of a form whose parameters it could not read, without an answer)
            assertThat(trickleUntilAnswered(signIns, 6_000)).hasSize(20).allSatisfy(a -> assertThat(a).isIn("closed", "HTTP/1.1 408"));
        } finally {
            for (Socket s : signIns) {
                s.close();
            }
        }
    }

    @Test
    void aBrowserPostingWithoutASessionIsSentToTheSignInUnread() throws Exception {
        try (Socket page = open("/apps", 100_000, null, "application/x-www-form-urlencoded");
             Socket htmx = open("/apps", 100_000, "HX-Request: true", "application/x-www-form-urlencoded")) {
            assertThat(head(page, 2_000)).startsWith("HTTP/1.1 302").contains("Location: /login");
            assertThat(head(htmx, 2_000)).startsWith("HTTP/1.1 401").containsIgnoringCase("HX-Refresh: true");
        }
    }

    @Test
    void aSignedInConsoleUserPostsALargeForm() throws Exception {
        // given: a signed-in console session
        RawHttp.Answer login = RawHttp.exchange(port, "GET", "/login", null);
        String session = login.cookie("JSESSIONID");
        RawHttp.Answer signedIn = RawHttp.exchange(port, "POST", "/login", form("username", "admin", "password", ADMIN_PASSWORD,
                "_csrf", login.csrf()), "Cookie", "JSESSIONID=" + session, "Content-Type", "application/x-www-form-urlencoded");
        assertThat(signedIn.status()).isEqualTo(302);
        String cookie = "JSESSIONID=" + (signedIn.cookie("JSESSIONID") != null ? signedIn.cookie("JSESSIONID") : session);
        RawHttp.Answer newApp = RawHttp.exchange(port, "GET", "/apps/new", null, "Cookie", cookie);

        // when: the user sends a form larger than what is read from callers that are not signed in (8 KB)
        String name = unique("large");
        String body = form("name", name, "owner", "team", "description", "d".repeat(2_000), "_csrf", newApp.csrf(),
                "padding", "p".repeat(10_000));
        RawHttp.Answer created = RawHttp.exchange(port, "POST", "/apps", body, "Cookie", cookie,
                "Content-Type", "application/x-www-form-urlencoded");

        // then: it is read and the app created
        assertThat(created.status()).as(created.body()).isEqualTo(302);
        assertThat(created.header("Location")).isEqualTo("/apps/" + name);
        assertThat(admin.get("/apps/" + name).status()).isEqualTo(200);
    }

    private static String form(String... pairs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            b.append(b.isEmpty() ? "" : "&").append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    /** A connection that has sent the request's head, announcing a body of {@code length} bytes, and no body yet. */
    private Socket open(String target, int length, String header, String contentType) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 3_000);
        s.getOutputStream().write(("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + length + "\r\n" + (header == null ? "" : header + "\r\n") + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }

    /** What of the answer's body comes within 300 ms. */
    private static String body(Socket s) throws IOException {
        s.setSoTimeout(300);
        StringBuilder b = new StringBuilder();
        try {
            for (int c; b.length() < 400 && (c = s.getInputStream().read()) >= 0; ) {
                b.append((char) c);
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // that was all
        }
        return b.toString();
    }

    /** The answer's head (status line and headers) read within {@code millis}, or what came until then. */
    private static String head(Socket s, long millis) throws IOException {
        s.setSoTimeout((int) millis);
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        try {
            for (int c; (c = in.read()) >= 0; ) {
                b.append((char) c);
                if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            // nothing (more) came
        }
        return b.toString();
    }

    /**
     * Sends each connection a byte a second until an answer comes (its status line) or it closes ("closed"); what
     * came within {@code millis}.
     */
    private static List<String> trickleUntilAnswered(List<Socket> sockets, long millis) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        Map<Integer, String> answers = new TreeMap<>();
        while (answers.size() < sockets.size() && System.nanoTime() < end) {
            for (int i = 0; i < sockets.size(); i++) {
                if (!answers.containsKey(i)) {
                    try {
                        sockets.get(i).getOutputStream().write('a');
                        sockets.get(i).getOutputStream().flush();
                    } catch (java.net.SocketException gone) {
                        answers.put(i, "closed");
                    }
                }
            }
            Thread.sleep(1_000);
            for (int i = 0; i < sockets.size(); i++) {
                if (!answers.containsKey(i)) {
                    Socket s = sockets.get(i);
                    s.setSoTimeout(1);
                    try {
                        int c = s.getInputStream().read();
                        answers.put(i, c < 0 ? "closed" : ((char) c + head(s, 1_000)).split("\r\n")[0]
                                .replaceAll("^(HTTP/1.1 \\d+).*", "$1"));
                    } catch (SocketTimeoutException e) {
                        // nothing yet
                    } catch (java.net.SocketException e) {
                        answers.put(i, "closed");
                    }
                }
            }
        }
        return List.copyOf(answers.values());
    }

    /** One slow connection after another until {@code end}: each posts a body a byte a second until answered or cut off. */
    private void trickle(String target, boolean withKey, AtomicBoolean over, CountDownLatch connected, Queue<Outcome> outcomes) {
        boolean first = true;
        byte[] head = ("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                + "ce-specversion: 1.0\r\nce-id: slow-" + System.nanoTime() + "\r\nce-source: /slow\r\nce-type: tick\r\n"
                + (withKey ? "Authorization: Bearer " + key + "\r\n" : "") + "Content-Length: 100000\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        while (!over.get()) {
            long started = System.nanoTime();
            int status = -1;
            String how;
            String answer = "";
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                s.setSoTimeout(1_000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(head);
                out.flush();
                if (first) {
                    connected.countDown();
                    first = false;
                }
                long answeredAfter = -1;
                while (true) {
                    try {
                        int c = in.read();
                        if (c < 0) {
                            how = answeredAfter >= 0 ? "answered, kept open" : "closed unanswered";
                            break;
                        }
                        if (answeredAfter >= 0) {
                            // the rest of an answer that left the connection open: the attacker goes on trickling
                            continue;
                        }
                        String line = (char) c + head(s, 1_000);
                        status = Integer.parseInt(line.split(" ")[1]);
                        how = line.toLowerCase().contains("connection: close") ? "answered, closed" : "answered, kept open";
                        if (withKey) {
                            answer = line + body(s);
                        }
                        if (how.equals("answered, kept open")) {
                            // an attacker does not care for the answer: it keeps sending the body, a byte a second
                            answeredAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                            continue;
                        }
                        break;
                    } catch (SocketTimeoutException e) {
                        if (over.get()) {
                            how = answeredAfter >= 0 ? "answered, kept open" : "open at the end";
                            break;
                        }
                        out.write(' ');
                        out.flush();
                    }
                }
            } catch (IOException | RuntimeException e) {
                how = "failed: " + e;
            }
            outcomes.add(new Outcome(withKey, status, how, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), target, answer));
            // an attacker reconnects, 1.5 to 2.5 s later, so that the attack stays slow rather than a flood
            int pause = 15 + java.util.concurrent.ThreadLocalRandom.current().nextInt(11);
            for (int wait = 0; wait < pause && !over.get(); wait++) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static Map<String, Long> slowest(List<Call> calls) {
        return calls.stream().collect(Collectors.toMap(Call::what, Call::millis, Math::max, TreeMap::new));
    }

    private static String what(int i) {
        return switch (i % 3) {
            case 0 -> "GET app";
            case 1 -> "POST event";
            default -> "GET health";
        };
    }

    private static int expected(int i) {
        return expected(what(i));
    }

    private static int expected(String what) {
        return switch (what) {
            case "GET app", "GET health" -> 200;
            default -> 201;
        };
    }

    private Call call(int i) {
        String what = what(i);
        HttpRequest.Builder b = switch (what) {
            case "GET app" -> HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/apps/" + app))
                    .header("Authorization", "Bearer " + key).GET();
            case "POST event" -> HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/topics/" + topic + "/events"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .header("ce-specversion", "1.0").header("ce-id", "steady-" + i).header("ce-source", "/steady")
                    .header("ce-type", "tick").POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}"));
            default -> HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health")).GET();
        };
        long started = System.nanoTime();
        int status;
        try {
            status = http.send(b.timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            status = -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new Call(what, status, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
}
