package io.herald.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.herald.server.support.RawHttp;
import io.herald.server.support.ServerTest;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What a browser is told besides the page (against the real server, over raw sockets so that a forged
 * {@code Host} header reaches it): the console's security headers, a SameSite session cookie, redirects
 * that never name the host a client sent, and clients that leave early logged at debug, not as errors.
 */
class HeadersIT extends ServerTest {

    private static final String EVIL = "evil.example";

    @Test
    void consolePagesCarryTheSecurityHeadersAndASameSiteSessionCookie() throws Exception {
        RawHttp.Answer login = RawHttp.exchange(port, "GET", "/login", null);

        assertThat(login.status()).isEqualTo(200);
        assertThat(login.header("Content-Security-Policy")).contains("form-action 'self'").contains("base-uri 'self'")
                .contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-eval");
        assertThat(login.header("Referrer-Policy")).isEqualTo("same-origin");
        assertThat(login.header("Cross-Origin-Opener-Policy")).isEqualTo("same-origin");
        assertThat(login.header("Permissions-Policy")).contains("camera=()").contains("microphone=()").contains("geolocation=()");
        assertThat(login.all("Set-Cookie")).filteredOn(c -> c.startsWith("JSESSIONID=")).singleElement()
                .satisfies(c -> assertThat(c).containsIgnoringCase("SameSite=Lax").containsIgnoringCase("HttpOnly"));
    }

    @Test
    void redirectsNeverNameTheHostTheClientSent() throws Exception {
        String host = "Host";
        List<String> locations = new ArrayList<>();

        // given: a signed-out request for a page, with a forged Host header
        RawHttp.Answer toLogin = RawHttp.exchange(port, "GET", "/topics", null, host, EVIL);
        assertThat(toLogin.status()).isEqualTo(302);
        locations.add(toLogin.header("Location"));
        String session = toLogin.cookie("JSESSIONID");

        // when: signing in with the forged Host, going back to the page asked for
        RawHttp.Answer page = RawHttp.exchange(port, "GET", "/login", null, "Cookie", "JSESSIONID=" + session);
        RawHttp.Answer signedIn = RawHttp.exchange(port, "POST", "/login", form("username", "admin", "password", ADMIN_PASSWORD,
                "_csrf", page.csrf()), host, EVIL, "Cookie", "JSESSIONID=" + session, "Content-Type", "application/x-www-form-urlencoded");
        assertThat(signedIn.status()).isEqualTo(302);
        locations.add(signedIn.header("Location"));
        String signedInSession = signedIn.cookie("JSESSIONID") != null ? signedIn.cookie("JSESSIONID") : session;
        String cookie = "JSESSIONID=" + signedInSession;

        // and: a console form (POST-redirect-GET) and the sign-out, with the forged Host
        RawHttp.Answer newApp = RawHttp.exchange(port, "GET", "/apps/new", null, "Cookie", cookie);
        String app = unique("hosted");
        RawHttp.Answer created = RawHttp.exchange(port, "POST", "/apps", form("name", app, "owner", "team", "_csrf", newApp.csrf()),
                host, EVIL, "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded");
        assertThat(created.status()).as(created.body()).isEqualTo(302);
        locations.add(created.header("Location"));
        RawHttp.Answer home = RawHttp.exchange(port, "GET", "/", null, "Cookie", cookie);
        RawHttp.Answer out = RawHttp.exchange(port, "POST", "/logout", form("_csrf", home.csrf()), host, EVIL, "Cookie", cookie,
                "Content-Type", "application/x-www-form-urlencoded");
        assertThat(out.status()).isEqualTo(302);
        locations.add(out.header("Location"));

        // then: every Location is a path on this server
        assertThat(locations).containsExactly("/login", "/topics", "/apps/" + app, "/login?logout");
        assertThat(admin.get("/apps/" + app).status()).isEqualTo(200);
    }

    /**
     * A client that resets its connection while Herald writes a large answer (an API document, a console
     * page): at most a debug line, no ERROR with a stack trace (before: "GET /v3/api-docs failed" at ERROR).
     */
    @Test
    void clientsThatLeaveEarlyAreNotLoggedAsErrors() throws Exception {
        // given: a topic whose types hold large schemas, so that its answers are far larger than the socket buffers
        String app = unique("big");
        admin.post("/apps", Map.of("name", app, "owner", "o"));
        String topic = unique("big-topic");
        List<Map<String, Object>> types = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            types.add(Map.of("name", "t" + i, "jsonSchema", Map.of("type", "object", "description", "x".repeat(90_000))));
        }
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", types)).status()).isEqualTo(201);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        Logger problems = (Logger) LoggerFactory.getLogger(io.herald.server.common.ApiProblems.class);
        Level before = problems.getLevel();
        problems.setLevel(Level.DEBUG);
        try {
            // when: clients ask for the topic and its types and reset the connection without reading
            for (int i = 0; i < 6; i++) {
                leaveEarly("/api/v1/topics/" + topic + "/types", "Authorization", "Bearer " + ADMIN_TOKEN);
            }
            // then: the server noticed (each write failed) and said so at debug only
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> log.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().contains("went away") || e.getLevel().isGreaterOrEqual(Level.WARN)));
        } finally {
            problems.setLevel(before);
            root.detachAppender(log);
        }
        assertThat(log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())).isEmpty();
    }

    /** Sends the request, lets the server start writing into a small receive window, then resets the connection. */
    private void leaveEarly(String target, String... headers) throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port));
            StringBuilder req = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            for (int i = 0; i + 1 < headers.length; i += 2) {
                req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(req.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            // the answer has begun (its status line is here): the server is writing the rest
            s.setSoTimeout(10_000);
            assertThat(in.read()).isEqualTo('H');
            Awaitility.await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> true);
            s.setSoLinger(true, 0);
        }
    }

    private static String form(String... pairs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            b.append(b.isEmpty() ? "" : "&").append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }
}
