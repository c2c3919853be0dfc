package io.herald.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import io.herald.server.support.Chromium;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Console sign-ins over real HTTP from several client addresses (127.0.0.x, bound by the client's
 * socket, so the server sees each as its own address). Failures are counted per user name and per
 * address in PostgreSQL and hold across two server instances; a sign-in from an address the user
 * signed in from before is not held back by failures caused elsewhere.
 */
class LoginThrottleIT extends ServerTest {

    private static final String PASSWORD = "throttle-secret-1";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"_csrf\"");

    /** A second instance whose locks are long (30 s at the fifth failure), so a test can look at one before it ends. */
    private static ConfigurableApplicationContext slow;

    @Autowired
    ConsoleUsers users;

    @AfterAll
    static void stopSecond() {
        if (slow != null) {
            slow.close();
            slow = null;
        }
    }

    private int slowPort() {
        if (slow == null) {
            slow = TestServers.start(TestInfra.databaseUrl(), TestInfra.kafkaBootstrap(), ADMIN_TOKEN,
                    "--herald.security.login.first-delay=30s", "--herald.security.login.max-delay=1h");
        }
        return TestServers.port(slow);
    }

    @Test
    void failuresForOneUserNameWaitOneSecondThenTwoThenFourAndASuccessStartsOver() {
        // given a console user
        String user = unique("thr");
        users.create(user, PASSWORD, "EDITOR", false);

        // when a client keeps guessing, waiting out each 429 as Retry-After asks
        List<Answer> refusals = new ArrayList<>();
        for (int failure = 1; failure <= 7; failure++) {
            Answer a = failUntilCounted("127.0.0.2", port, user, refusals);
            assertThat(a.status()).as("failure " + failure + ": " + a).isEqualTo(302);
            assertThat(a.header("location")).endsWith("/login?error");
        }

        // then the fifth, sixth and seventh failure locked the user name for 1 s, 2 s and 4 s (audited)
        assertThat(locksAudited("user " + user)).containsExactly(1000L, 2000L, 4000L);
        assertThat(refusals).as("attempts held back while locked").isNotEmpty().allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(429);
            assertThat(Long.parseLong(r.header("retry-after"))).isBetween(1L, 4L);
            assertThat(r.body()).contains("Too many failed sign-ins");
        });
        System.out.printf("LoginThrottleIT doubling: %d attempts answered 429 while locked, Retry-After %s%n", refusals.size(),
                refusals.stream().map(r -> r.header("retry-after")).toList());

        // and once the lock is over the right password signs in, and the count starts over
        AtomicReference<Answer> signedIn = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            signedIn.set(signIn("127.0.0.2", port, user, PASSWORD));
            return signedIn.get().status() != 429;
        });
        assertThat(signedIn.get().status()).isEqualTo(302);
        assertThat(signedIn.get().header("location")).doesNotContain("error").endsWith("/");
        for (int failure = 1; failure <= 4; failure++) {
            assertThat(signIn("127.0.0.2", port, user, "wrong").status()).as("failure " + failure + " after the success").isEqualTo(302);
        }
        assertThat(locksAudited("user " + user)).hasSize(3);
    }

    @Test
    void aLockHoldsOnTheOtherInstanceButNotForTheAddressesTheAdminSignedInFromBefore() throws Exception {
        // given the admin signed in from 127.0.0.4 before, and an attacker guessing admin's password
        // from 127.0.0.5 through the second instance until it locks the user name (30 s there)
        int second = slowPort();
        assertThat(signIn("127.0.0.4", port, "admin", ADMIN_PASSWORD).header("location")).doesNotContain("error");
        for (int failure = 1; failure <= 5; failure++) {
            Answer a = signIn("127.0.0.5", second, "admin", "guess-" + failure);
            assertThat(a.status()).as("failure " + failure + ": " + a).isEqualTo(302);
        }
        double throttledBefore = throttledTotal("user");

        // when someone at a new address signs in as admin with the right password, through the first instance
        Answer elsewhere = signIn("127.0.0.6", port, "admin", ADMIN_PASSWORD);

        // then it waits, as the page says, although the failures were counted on the other instance
        assertThat(elsewhere.status()).as(elsewhere.toString()).isEqualTo(429);
        assertThat(Long.parseLong(elsewhere.header("retry-after"))).isBetween(1L, 30L);
        assertThat(elsewhere.body()).contains("Too many failed sign-ins. Try again in");
        assertThat(throttledTotal("user")).isGreaterThan(throttledBefore);
        // and so does the attacker's address for every user name: it failed five times too
        String other = unique("thr");
        users.create(other, PASSWORD, "VIEWER", false);
        assertThat(signIn("127.0.0.5", port, other, PASSWORD).status()).isEqualTo(429);
        assertThat(locksAudited("address 127.0.0.5")).containsExactly(30_000L);

        // but from the address the admin used before, the admin signs in at once, on either instance
        Answer known = signIn("127.0.0.4", port, "admin", ADMIN_PASSWORD);
        assertThat(known.status()).as(known.toString()).isEqualTo(302);
        assertThat(known.header("location")).doesNotContain("error");
        // which also ends the lock of the user name: the admin can sign in from anywhere again
        assertThat(signIn("127.0.0.6", second, "admin", ADMIN_PASSWORD).header("location")).doesNotContain("error");
        assertThat(locksAudited("user admin")).containsExactly(30_000L);
    }

    @Test
    void theSignInPageSaysHowLongToWaitInTheBrowser() {
        // given a user name locked by failures from another address, counted on the second instance
        String user = unique("thr");
        users.create(user, PASSWORD, "EDITOR", false);
        int second = slowPort();
        for (int failure = 1; failure <= 5; failure++) {
            assertThat(signIn("127.0.0.7", second, user, "wrong").status()).isEqualTo(302);
        }

        // when the user signs in with the right password in a browser
        try (BrowserContext browser = Chromium.browser().newContext()) {
            Page page = browser.newPage();
            page.navigate(baseUrl() + "/login");
            page.getByLabel("User name").fill(user);
            page.getByLabel("Password").fill(PASSWORD);
            Response answer = page.waitForResponse(r -> r.url().endsWith("/login") && "POST".equals(r.request().method()),
                    () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click());

            // then the page answers 429 and says to wait, and the form is there for the next try
            assertThat(answer.status()).isEqualTo(429);
            assertThat(answer.headers().get("retry-after")).matches("[1-9][0-9]*");
            assertThat(page.getByRole(AriaRole.ALERT).textContent()).contains("Too many failed sign-ins. Try again in")
                    .contains("second");
            assertThat(page.getByLabel("User name").isVisible()).isTrue();
            assertThat(page.url()).endsWith("/login");
        }
    }

    /** Wrong-password attempts until one is counted (not held back); the held-back ones go into {@code refusals}. */
    private Answer failUntilCounted(String from, int port, String user, List<Answer> refusals) {
        AtomicReference<Answer> counted = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Answer a = signIn(from, port, user, "wrong");
            if (a.status() == 429) {
                refusals.add(a);
                return false;
            }
            counted.set(a);
            return true;
        });
        return counted.get();
    }

    /** The lock durations audited for a sign-in subject ("user x", "address a"), oldest first. */
    private List<Long> locksAudited(String subject) {
        JsonNode entries = admin.get("/audit?objectType=sign-in&objectId=" + URLEncoder.encode(subject, StandardCharsets.UTF_8)).json();
        List<Long> locks = new ArrayList<>();
        for (JsonNode e : entries) {
            assertThat(e.get("action").asString()).isEqualTo("sign-in-locked");
            locks.add(0, e.at("/after/lockedForMs").asLong());
        }
        return locks;
    }

    private double throttledTotal(String scope) {
        String metrics;
        try {
            metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(baseUrl() + "/actuator/prometheus")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Matcher m = Pattern.compile("(?m)^herald_login_throttled_total\\{[^}]*scope=\"" + scope + "\"[^}]*} ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    // ---- a browser's sign-in over a socket bound to a chosen local address

    record Answer(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.getOrDefault(name, "");
        }

        @Override
        public String toString() {
            return status + " " + headers;
        }
    }

    /** GET /login for the session and CSRF token, then POST the form, from {@code from}. */
    private static Answer signIn(String from, int port, String username, String password) {
        Answer page = exchange(from, port, "GET /login HTTP/1.0\r\nHost: 127.0.0.1:" + port + "\r\n\r\n");
        String cookie = page.header("set-cookie").split(";", 2)[0];
        Matcher m = CSRF.matcher(page.body());
        assertThat(m.find()).as("CSRF token on the sign-in page").isTrue();
        String csrf = m.group(1) != null ? m.group(1) : m.group(2);
        String form = "username=" + enc(username) + "&password=" + enc(password) + "&_csrf=" + enc(csrf);
        return exchange(from, port, "POST /login HTTP/1.0\r\nHost: 127.0.0.1:" + port + "\r\nCookie: " + cookie
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n" + form);
    }

    private static Answer exchange(String from, int port, String request) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
        } catch (IOException e) {
            throw new IllegalStateException("sign-in from " + from + " failed: " + e, e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
