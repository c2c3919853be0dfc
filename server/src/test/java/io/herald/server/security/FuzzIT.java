package io.herald.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.support.RequestBodies;
import io.herald.server.support.ServerTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * A bounded fuzz property over every endpoint Spring MVC has registered (the API with the admin token,
 * the console as a signed-in admin): malformed paths (NUL, broken {@code %} escapes, very long
 * segments, dot segments), bad query parameters, malformed and mistyped JSON bodies, wrong content
 * types, unknown methods. With a fixed seed, a few thousand requests over raw sockets (so malformed
 * request lines reach the server as a client sent them). The property: no answer is a 5xx, no
 * answer names a Java class, and every API error is problem+json.
 */
class FuzzIT extends ServerTest {

    private static final long SEED = 20261203L;
    private static final int PER_ENDPOINT = 20;
    private static final Duration BUDGET = Duration.ofMinutes(8);
    private static final Pattern JAVA_CLASS = Pattern.compile("com\\.fasterxml|tools\\.jackson|java\\.(lang|util|io|time)\\.|org\\.springframework|org\\.apache|io\\.herald\\.server");

    private static final String[] BAD_SEGMENTS = {
            "%00", "a%00b", "%zz", "%", "%e", "%C0%AF", "%ff%fe", "..", "%2e%2e", "%2F", "a;b=c", "-1", "0",
            "99999999999999999999", "1e99", "NaN", " ", "%20", "\u00e9t\u00e9", "%E2%80%AE", "x".repeat(3000), "[]", "{}",
            "null", "'", "\"", "<script>", "%0d%0aX-Injected:%201", "*", "999999999"};

    private static final String[] BAD_VALUES = {
            "%00", "a%00b", "%zz", "%", "", "-1", "-99999999999999999999", "99999999999999999999", "1.5", "1e400", "NaN",
            "true", "x".repeat(5000), "2026-13-45T99:99:99Z", "((((((((((((((((((((((((((((a*)*)*)*)*)*)*)*)*)*)*)*)*)*)*)*)",
            "%E2%80%AE", "[", "{", "'", "DROP%20TABLE", "earliest", "0"};

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    /** One request of the run and what it got. */
    record Shot(String method, String target, int status, String contentType, String body) {
    }

    @Test
    void noInputMakesTheServerAnswer5xx() throws Exception {
        Random random = new Random(SEED);
        Session console = signIn();
        List<Shot> shots = new ArrayList<>();
        Instant deadline = Instant.now().plus(BUDGET);
        int endpoints = 0;

        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : new TreeMap<>(byName(mappings.getHandlerMethods())).values()) {
            RequestMappingInfo info = e.getKey();
            HandlerMethod handler = e.getValue();
            for (String pattern : info.getPatternValues()) {
                if (pattern.equals("/login") || pattern.equals("/logout") || pattern.startsWith("/actuator")) {
                    continue;
                }
                List<String> methods = info.getMethodsCondition().getMethods().isEmpty() ? List.of("GET", "POST")
                        : info.getMethodsCondition().getMethods().stream().map(Enum::name).toList();
                for (String method : methods) {
                    endpoints++;
                    for (int i = 0; i < PER_ENDPOINT && Instant.now().isBefore(deadline); i++) {
                        shots.add(fuzz(random, method, pattern, handler, console));
                    }
                }
            }
        }
        for (String[] probe : probes()) {
            shots.add(send(probe[0], probe[1], probe[2], probe[3], probe[1].startsWith("/") ? null : console));
        }

        Map<Integer, Integer> byStatus = new TreeMap<>();
        List<Shot> failures = new ArrayList<>();
        for (Shot s : shots) {
            byStatus.merge(s.status(), 1, Integer::sum);
            boolean api = s.target().startsWith("/api/") || s.target().startsWith("/error");
            if (s.status() >= 500 || s.status() < 100 || JAVA_CLASS.matcher(s.body()).find()
                    || (api && s.status() >= 400 && !s.contentType().startsWith("application/problem+json"))) {
                failures.add(s);
            }
        }
        System.out.printf("FuzzIT: %d requests over %d endpoint methods, seed %d, by status %s, failures %d%n",
                shots.size(), endpoints, SEED, byStatus, failures.size());
        assertThat(shots.size()).as("requests sent within the time budget").isGreaterThan(2000);
        assertThat(failures.stream().map(s -> s.method() + " " + abbreviate(s.target()) + " -> " + s.status() + " "
                + s.contentType() + " " + abbreviate(s.body())).distinct().limit(60).toList()).isEmpty();
    }

    /** Fixed probes: the cases a manual probe found, each a request (method, target, content type, body). */
    private List<String[]> probes() {
        String longAddress = "http://example.com/" + "a".repeat(20_000);
        return List.of(
                new String[] {"GET", "/error", null, null},
                new String[] {"POST", "/error", "application/json", "{}"},
                new String[] {"GET", "/api/v1/topics/a%00b", null, null},
                new String[] {"GET", "/api/v1/topics?q=%00", null, null},
                new String[] {"GET", "/api/v1/topics?q=%zz", null, null},
                new String[] {"GET", "/api/v1/topics/%zz", null, null},
                new String[] {"GET", "/api/v1/%", null, null},
                new String[] {"GET", "/api/v1/apps/..%2f..%2fetc", null, null},
                new String[] {"GET", "/api/v1//apps", null, null},
                new String[] {"GET", "/api/v1/apps;jsessionid=1", null, null},
                new String[] {"GET", "/api/v1/apps/%5c", null, null},
                new String[] {"PUT", "/api/v1/apps", "application/json", "{}"},
                new String[] {"DELETE", "/api/v1/topics", null, null},
                new String[] {"PROPFIND", "/api/v1/apps", null, null},
                new String[] {"POST", "/api/v1/topics", "application/json", "{\"name\":\"fz\",\"producers\":[null]}"},
                new String[] {"POST", "/api/v1/topics", "application/json", "{\"name\":\"fz\",\"types\":[null]}"},
                new String[] {"PUT", "/api/v1/producer-settings/fuzz-none", "application/json",
                        "{\"checkProtocol\":\"HTTP\",\"checkAddress\":\"" + longAddress + "\",\"checkIntervalMs\":0,\"maxChecks\":0}"},
                new String[] {"POST", "/api/v1/apps", "application/json", "{\"name\":\"a\\u0000b\"}"},
                new String[] {"POST", "/api/v1/apps", "application/json", "{\"name\":12345}"},
                new String[] {"POST", "/api/v1/apps", "application/json", "[".repeat(5000)},
                new String[] {"POST", "/api/v1/apps", "text/plain", "name=x"},
                new String[] {"POST", "/api/v1/apps", "application/json; charset=bogus", "{}"},
                new String[] {"POST", "/api/v1/bindings/preview", "application/json", "{}"},
                new String[] {"GET", "/api/v1/traces?from=yesterday&to=%00", null, null},
                new String[] {"GET", "/api/v1/audit?limit=-1&offset=99999999999999999999", null, null},
                new String[] {"GET", "topics?q=%00", null, null},
                new String[] {"GET", "apps/a%00b", null, null},
                new String[] {"GET", "error", null, null});
    }

    private Shot fuzz(Random random, String method, String pattern, HandlerMethod handler, Session console) {
        boolean api = pattern.startsWith("/api/");
        StringBuilder target = new StringBuilder();
        Matcher m = Pattern.compile("\\{([^}/]+)}").matcher(pattern);
        int last = 0;
        while (m.find()) {
            target.append(pattern, last, m.start());
            target.append(random.nextInt(4) == 0 ? "fuzz" + random.nextInt(1000) : pick(random, BAD_SEGMENTS));
            last = m.end();
        }
        target.append(pattern.substring(last));
        List<String> params = new ArrayList<>();
        for (MethodParameter p : handler.getMethodParameters()) {
            RequestParam rp = p.getParameterAnnotation(RequestParam.class);
            if (rp != null) {
                String name = !rp.name().isEmpty() ? rp.name() : !rp.value().isEmpty() ? rp.value() : p.getParameterName();
                if (name != null && random.nextInt(3) > 0) {
                    params.add(name + "=" + pick(random, BAD_VALUES));
                }
            } else if (!api && p.getParameterAnnotation(PathVariable.class) == null && isForm(p.getParameterType())) {
                for (String property : formProperties(p.getParameterType())) {
                    if (random.nextInt(2) == 0) {
                        params.add(property + "=" + pick(random, BAD_VALUES));
                    }
                }
            }
        }
        if (random.nextInt(5) == 0) {
            params.add(pick(random, BAD_VALUES) + "=" + pick(random, BAD_VALUES));
        }
        String query = String.join("&", params);
        String contentType = null;
        String body = null;
        Class<?> bodyType = null;
        for (MethodParameter p : handler.getMethodParameters()) {
            if (p.hasParameterAnnotation(RequestBody.class)) {
                bodyType = p.getParameterType();
            }
        }
        if (bodyType != null) {
            contentType = random.nextInt(10) == 0 ? pick(random, new String[] {"text/plain", "application/xml",
                    "application/json; charset=bogus", "multipart/form-data"}) : "application/json";
            body = jsonBody(random, bodyType);
        } else if (!method.equals("GET") && !api) {
            contentType = "application/x-www-form-urlencoded";
            body = query;
            query = "";
        }
        String path = target + (query.isEmpty() ? "" : "?" + query);
        return send(method, api ? path : path.substring(1), contentType, body, api ? null : console);
    }

    /** A body for {@code type}: mostly the type's own fields with values of any JSON type, sometimes not JSON at all. */
    private static String jsonBody(Random random, Class<?> type) {
        switch (random.nextInt(12)) {
            case 0:
                return "";
            case 1:
                return "[".repeat(1 + random.nextInt(3000));
            case 2:
                return "{\"" + "k".repeat(random.nextInt(100)) + "\":";
            case 3:
                return pick(random, new String[] {"null", "[]", "\"x\"", "42", "{}", "[null]", "{\"\":null}", "\u0000"});
            default:
                break;
        }
        Map<String, Object> object = new LinkedHashMap<>();
        for (Map.Entry<String, Class<?>> nested : RequestBodies.objects(type).entrySet()) {
            Class<?> t = nested.getValue();
            if (!t.isRecord()) {
                continue;
            }
            Map<String, Object> leaf = new LinkedHashMap<>();
            for (var c : t.getRecordComponents()) {
                if (random.nextInt(3) > 0) {
                    leaf.put(c.getName(), anyValue(random));
                }
            }
            if (nested.getKey().isEmpty()) {
                object.putAll(leaf);
            } else if (random.nextBoolean()) {
                object.putAll(RequestBodies.nest(nested.getKey(), leaf));
            }
        }
        return io.herald.server.support.Api.JSON.writeValueAsString(object);
    }

    private static Object anyValue(Random random) {
        return switch (random.nextInt(16)) {
            case 0 -> null;
            case 1 -> "x".repeat(random.nextInt(5000));
            case 2 -> "a\u0000b";
            case 3 -> Long.MAX_VALUE;
            case 4 -> -1;
            case 5 -> 1.5;
            case 6 -> new java.math.BigInteger("123456789012345678901234567890");
            case 7 -> true;
            case 8 -> java.util.Arrays.asList((Object) null);
            case 9 -> List.of("x", 1, false);
            case 10 -> Map.of("a", Map.of("b", List.of()));
            case 11 -> "\u202e\ud83d\ude00";
            case 12 -> "((a*)*)*$";
            case 13 -> 1e308;
            case 14 -> "2026-02-30T25:61:00Z";
            default -> "";
        };
    }

    private static boolean isForm(Class<?> type) {
        return type.getPackageName().startsWith("io.herald.server") && !type.isRecord() && !type.isEnum()
                && !formProperties(type).isEmpty();
    }

    private static List<String> formProperties(Class<?> type) {
        List<String> names = new ArrayList<>();
        for (var method : type.getMethods()) {
            if (method.getName().startsWith("set") && method.getParameterCount() == 1 && method.getName().length() > 3) {
                names.add(Character.toLowerCase(method.getName().charAt(3)) + method.getName().substring(4));
            }
        }
        return names;
    }

    private static Map<String, Map.Entry<RequestMappingInfo, HandlerMethod>> byName(Map<RequestMappingInfo, HandlerMethod> all) {
        Map<String, Map.Entry<RequestMappingInfo, HandlerMethod>> sorted = new TreeMap<>();
        all.forEach((info, handler) -> sorted.put(info + " " + handler, Map.entry(info, handler)));
        return sorted;
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    /** A console session: its cookie and CSRF token. */
    record Session(String cookie, String csrf) {
    }

    private Session signIn() {
        Raw login = raw("GET", "/login", Map.of(), null);
        String cookie = cookie(login);
        String csrf = csrf(login.body());
        String form = "username=admin&password=" + URLEncoder.encode(ADMIN_PASSWORD, StandardCharsets.UTF_8)
                + "&_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8);
        Raw signedIn = raw("POST", "/login", Map.of("Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded"),
                form.getBytes(StandardCharsets.UTF_8));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(302);
        String session = cookie(signedIn) != null ? cookie(signedIn) : cookie;
        Raw home = raw("GET", "/", Map.of("Cookie", session), null);
        assertThat(home.status()).as("console home").isEqualTo(200);
        return new Session(session, csrf(home.body()));
    }

    private static String cookie(Raw r) {
        String set = r.headers().get("set-cookie");
        return set == null ? null : set.split(";", 2)[0];
    }

    private static String csrf(String page) {
        Matcher m = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"|X-CSRF-TOKEN(?:&quot;|\")\\s*:\\s*(?:&quot;|\")([^&\"]+)")
                .matcher(page);
        assertThat(m.find()).as("a CSRF token on the page").isTrue();
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    private Shot send(String method, String target, String contentType, String body, Session console) {
        Map<String, String> headers = new LinkedHashMap<>();
        String path = target.startsWith("/") ? target : "/" + target;
        if (console == null) {
            headers.put("Authorization", "Bearer " + ADMIN_TOKEN);
            headers.put("Accept", "application/json");
        } else {
            headers.put("Cookie", console.cookie());
            headers.put("X-CSRF-TOKEN", console.csrf());
            headers.put("HX-Request", "true");
        }
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        Raw r = raw(method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        return new Shot(method, path, r.status(), r.headers().getOrDefault("content-type", ""), r.body());
    }

    /** An answer read off the socket. */
    record Raw(int status, Map<String, String> headers, String body) {
    }

    /** One request over a fresh connection, the request line exactly as given. */
    private Raw raw(String method, String target, Map<String, String> headers, byte[] body) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return parse(socket.getInputStream());
        } catch (IOException e) {
            return new Raw(-1, Map.of(), method + " " + target + ": " + e);
        }
    }

    private static Raw parse(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return new Raw(-1, Map.of(), "no complete answer: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        byte[] rest = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            rest = dechunk(rest);
        }
        return new Raw(status, headers, new String(rest, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < chunked.length) {
            int lineEnd = i;
            while (lineEnd + 1 < chunked.length && !(chunked[lineEnd] == '\r' && chunked[lineEnd + 1] == '\n')) {
                lineEnd++;
            }
            String size = new String(chunked, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int n = size.isEmpty() ? 0 : Integer.parseInt(size, 16);
            if (n == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, Math.min(n, chunked.length - lineEnd - 2));
            i = lineEnd + 2 + n + 2;
        }
        return out.toByteArray();
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() < 300 ? s : s.substring(0, 300) + "…";
    }
}
