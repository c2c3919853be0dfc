package io.herald.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.support.ServerTest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ingestion endpoint served by {@link IngestFilter} ahead of Spring Security and Spring MVC
 * answers exactly as the same request through them: a percent-encoded topic name takes the second
 * way, a plain one the first.
 */
class IngestFilterIT extends ServerTest {

    private String key;
    private String stranger;
    private String topic;

    @BeforeEach
    void catalog() {
        String app = unique("fast");
        key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        stranger = admin.post("/apps", Map.of("name", unique("other"))).json().get("apiKey").asString();
        topic = unique("fast-orders");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "order.created", "jsonSchema",
                        "{\"type\":\"object\",\"required\":[\"orderId\"]}")))).status()).isEqualTo(201);
    }

    enum Token { OWNER, STRANGER, ADMIN, NONE, WRONG }

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of("accepted", Token.OWNER, binary("order.created"), "{\"orderId\":\"1\"}", 201),
                Arguments.of("accepted for the admin", Token.ADMIN, binary("order.created"), "{\"orderId\":\"1\"}", 201),
                Arguments.of("delayed", Token.OWNER, with(binary("order.created"), "Herald-Delay", "PT1H"), "{\"orderId\":\"1\"}", 201),
                Arguments.of("without token", Token.NONE, binary("order.created"), "{\"orderId\":\"1\"}", 401),
                Arguments.of("with a wrong token", Token.WRONG, binary("order.created"), "{\"orderId\":\"1\"}", 401),
                Arguments.of("another app's key", Token.STRANGER, binary("order.created"), "{\"orderId\":\"1\"}", 403),
                Arguments.of("undeclared type", Token.OWNER, binary("order.deleted"), "{}", 422),
                Arguments.of("schema violation", Token.OWNER, binary("order.created"), "{}", 422),
                Arguments.of("no CloudEvent attributes", Token.OWNER, Map.of("Content-Type", "application/json"), "{}", 400),
                Arguments.of("batch", Token.OWNER, Map.of("Content-Type", "application/cloudevents-batch+json"),
                        "[{\"specversion\":\"1.0\",\"id\":\"b1\",\"source\":\"/x\",\"type\":\"order.created\",\"data\":{\"orderId\":\"1\"}},"
                                + "{\"specversion\":\"1.0\",\"id\":\"b2\",\"source\":\"/x\",\"type\":\"order.nope\"}]", 207));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void answersAsSpringSecurityAndSpringMvcWould(String name, Token token, Map<String, String> headers, String body, int status) {
        String encoded = "%" + Integer.toHexString(topic.charAt(0)) + topic.substring(1);

        Http.Answer fast = Http.post(baseUrl() + "/api/v1/topics/" + topic + "/events", token(token), headers, bytes(body));
        Http.Answer mvc = Http.post(baseUrl() + "/api/v1/topics/" + encoded + "/events", token(token), headers, bytes(body));

        assertThat(fast.status()).as(fast.toString()).isEqualTo(status);
        assertThat(mvc.status()).as(mvc.toString()).isEqualTo(status);
        assertThat(headersOf(fast)).isEqualTo(headersOf(mvc));
        assertThat(normalized(fast.body())).isEqualTo(normalized(mvc.body().replace(encoded, topic)));
    }

    @Test
    void unknownTopicIsNotFoundOnBothWays() {
        Http.Answer fast = Http.post(baseUrl() + "/api/v1/topics/no-such-topic/events", key, binary("order.created"), bytes("{}"));
        Http.Answer mvc = Http.post(baseUrl() + "/api/v1/topics/%6Eo-such-topic/events", key, binary("order.created"), bytes("{}"));
        assertThat(fast.status()).isEqualTo(404);
        assertThat(headersOf(fast)).isEqualTo(headersOf(mvc));
        assertThat(fast.body()).isEqualTo(mvc.body().replace("%6Eo-such-topic", "no-such-topic"));
    }

    @Test
    void securityHeadersAreThoseOfEveryOtherApiAnswer() {
        Http.Answer event = Http.post(baseUrl() + "/api/v1/topics/" + topic + "/events", key, binary("order.created"),
                bytes("{\"orderId\":\"1\"}"));
        Map<String, String> expected = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : List.of("X-Content-Type-Options", "X-XSS-Protection", "Cache-Control", "Pragma", "Expires",
                "X-Frame-Options")) {
            expected.put(name, null);
        }
        Http.Answer other = Http.get(baseUrl() + "/api/v1/topics/" + topic, key);
        assertThat(other.status()).isEqualTo(200);
        expected.replaceAll((name, none) -> other.header(name));
        assertThat(expected).doesNotContainValue(null);
        expected.forEach((name, value) -> assertThat(event.header(name)).as(name).isEqualTo(value));
    }

    @Test
    void keepsAConnectionOpenForMoreThanAHundredEvents() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            byte[] payload = bytes("{\"orderId\":\"1\"}");
            for (int i = 0; i < 150; i++) {
                out.write(bytes("POST /api/v1/topics/" + topic + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                        + "\r\nce-specversion: 1.0\r\nce-id: k-" + i + "\r\nce-source: /s\r\nce-type: order.created\r\n"
                        + "Content-Type: application/json\r\nContent-Length: " + payload.length + "\r\n\r\n"));
                out.write(payload);
                out.flush();
                String status = line(in);
                assertThat(status).as("answer %d", i).startsWith("HTTP/1.1 201");
                int length = -1;
                for (String h = line(in); !h.isEmpty(); h = line(in)) {
                    assertThat(h).as("answer %d", i).isNotEqualToIgnoringCase("Connection: close");
                    if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Integer.parseInt(h.substring(15).trim());
                    }
                }
                assertThat(length).as("answer %d has a Content-Length", i).isPositive();
                assertThat(new String(in.readNBytes(length), StandardCharsets.UTF_8)).contains("\"id\":\"k-" + i + "\"");
            }
        }
    }

    @Test
    void ingestionIsMeasuredUnderItsUriPattern() {
        Http.Answer a = Http.post(baseUrl() + "/api/v1/topics/" + topic + "/events", key, binary("order.created"),
                bytes("{\"orderId\":\"1\"}"));
        assertThat(a.status()).isEqualTo(201);
        String metrics = Http.get(baseUrl() + "/actuator/prometheus", null).body();
        assertThat(metrics.lines().filter(l -> l.startsWith("http_server_requests_seconds_count")
                && l.contains("method=\"POST\"") && l.contains("status=\"201\"")
                && l.contains("uri=\"/api/v1/topics/{topic}/events\""))).isNotEmpty();
    }

    private String token(Token token) {
        return switch (token) {
            case OWNER -> key;
            case STRANGER -> stranger;
            case ADMIN -> ADMIN_TOKEN;
            case NONE -> null;
            case WRONG -> "hk_not-a-real-key";
        };
    }

    private static Map<String, String> binary(String type) {
        Map<String, String> h = new HashMap<>();
        h.put("ce-specversion", "1.0");
        h.put("ce-id", "same-id");
        h.put("ce-source", "/checkout");
        h.put("ce-type", type);
        h.put("Content-Type", "application/json");
        return h;
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        headers.put(name, value);
        return headers;
    }

    /** The headers but the date and the framing (the filter sends a Content-Length where Spring MVC chunks). */
    private static Map<String, List<String>> headersOf(Http.Answer a) {
        Map<String, List<String>> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        a.headers().forEach((name, values) -> {
            if (!List.of("date", "content-length", "transfer-encoding", ":status").contains(name.toLowerCase())) {
                out.put(name, values);
            }
        });
        return out;
    }

    /** Offsets and due times differ between two posts of the same event; the rest may not. */
    private static String normalized(String body) {
        return body.replaceAll("\"offset\":\\d+", "\"offset\":0").replaceAll("\"dueAt\":\"[^\"]+\"", "\"dueAt\":\"\"")
                .replaceAll("\\{\"message\":(\"[^\"]*\"),\"field\":(\"[^\"]*\")}", "{\"field\":$2,\"message\":$1}");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed after: " + sb);
            }
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }
}
