package io.herald.server.support;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Signs in to the console over real HTTP as a browser does (login page, CSRF token, session cookie). */
public final class ConsoleLogin {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"_csrf\"");

    private final HttpClient http;
    private final String base;

    private ConsoleLogin(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Whether {@code username} / {@code password} sign in. */
    public static boolean signIn(String base, String username, String password) throws IOException, InterruptedException {
        return session(base, username, password) != null;
    }

    /** A signed-in session, or null when the credentials are refused. */
    public static ConsoleLogin session(String base, String username, String password) throws IOException, InterruptedException {
        ConsoleLogin c = new ConsoleLogin(base);
        String page = c.http.send(HttpRequest.newBuilder(URI.create(base + "/login")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = CSRF.matcher(page);
        if (!m.find()) {
            throw new IllegalStateException("no CSRF token on the login page: " + page);
        }
        String csrf = m.group(1) != null ? m.group(1) : m.group(2);
        String form = "username=" + enc(username) + "&password=" + enc(password) + "&_csrf=" + enc(csrf);
        HttpResponse<String> r = c.http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        String location = r.headers().firstValue("Location").orElse("");
        return r.statusCode() == 302 && !location.contains("error") ? c : null;
    }

    /** GET with the session's cookie (and {@code headers}, as name, value, name, value …). */
    public HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Submits a form as the browser does: the CSRF token from {@code formPage}, then a POST of {@code fields} to {@code action}. */
    public HttpResponse<String> submit(String formPage, String action, java.util.Map<String, String> fields)
            throws IOException, InterruptedException {
        String page = get(formPage).body();
        Matcher m = CSRF.matcher(page);
        if (!m.find()) {
            throw new IllegalStateException("no CSRF token on " + formPage + ": " + page);
        }
        StringBuilder form = new StringBuilder("_csrf=" + enc(m.group(1) != null ? m.group(1) : m.group(2)));
        fields.forEach((k, v) -> form.append('&').append(enc(k)).append('=').append(enc(v)));
        return http.send(HttpRequest.newBuilder(URI.create(base + action)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
