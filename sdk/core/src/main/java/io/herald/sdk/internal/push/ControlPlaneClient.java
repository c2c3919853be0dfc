package io.herald.sdk.internal.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.sdk.wire.BindingConfig;
import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.Heartbeat;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The SDK's side of the control plane's {@code /api/v1} contract. */
public final class ControlPlaneClient {

    /** What registering a code-declared binding answered. */
    public enum RegistrationResult {
        CREATED, EXISTS, REJECTED,
        /** The consumer group belongs to another app: consuming in it would take partitions from that app. */
        GROUP_TAKEN,
        /** 403: the app may not consume the topic (a RESTRICTED topic that does not grant it), or not bind for that app. */
        FORBIDDEN
    }

    public record Registration(RegistrationResult result, Long id, String problem) {
    }

    private final HttpClient http;
    private final ObjectMapper mapper;
    private final String base;
    private final String app;
    private final String apiKey;
    private final Duration requestTimeout;

    public ControlPlaneClient(String url, String app, String apiKey, Duration requestTimeout, ObjectMapper mapper) {
        this.base = (url.endsWith("/") ? url.substring(0, url.length() - 1) : url) + "/api/v1";
        this.app = app;
        this.apiKey = apiKey;
        this.requestTimeout = requestTimeout;
        this.mapper = mapper;
        this.http = SHARED_HTTP;
    }

    /**
     * One client for all Herald instances of the JVM: each HttpClient runs its own selector thread,
     * and a JVM may hold many instances (tests, multi-tenant hosts).
     */
    private static final HttpClient SHARED_HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Long-polls for a snapshot newer than {@code since}.
     *
     * @return the snapshot, or {@code null} when the control plane answered 304 (nothing newer)
     * @throws ControlPlaneException when it cannot be reached or answers an error
     */
    public ConfigSnapshot fetch(long since, Duration timeout) {
        HttpRequest request = request("/config/" + URLEncoder.encode(app, StandardCharsets.UTF_8) + "?since=" + since)
                .timeout(timeout).GET().build();
        HttpResponse<byte[]> response = send(request);
        if (response.statusCode() == 304) {
            return null;
        }
        if (response.statusCode() == 503 || response.statusCode() == 429) {
            throw new Overloaded("GET config answered " + response.statusCode() + ": " + body(response), retryAfterMillis(response));
        }
        if (response.statusCode() != 200) {
            throw failure("GET config", response);
        }
        try {
            return mapper.readValue(response.body(), ConfigSnapshot.class);
        } catch (IOException e) {
            throw new ControlPlaneException("Unreadable config snapshot: " + e.getMessage(), e);
        }
    }

    public void heartbeat(Heartbeat heartbeat) {
        HttpResponse<byte[]> response = send(post("/clients/heartbeat", heartbeat));
        if (response.statusCode() / 100 != 2) {
            throw failure("POST heartbeat", response);
        }
    }

    /**
     * Removes this instance from the control plane's registry ({@code DELETE /apps/{app}/instances/{id}}).
     *
     * @return false when the control plane did not know it (never heartbeated, or forgotten already)
     * @throws ControlPlaneException when it cannot be reached or answers another error
     */
    public boolean deregister(String instanceId, Duration timeout) {
        HttpRequest request = request("/apps/" + URLEncoder.encode(app, StandardCharsets.UTF_8).replace("+", "%20")
                + "/instances/" + URLEncoder.encode(instanceId, StandardCharsets.UTF_8).replace("+", "%20"))
                .timeout(timeout).DELETE().build();
        HttpResponse<byte[]> response = send(request);
        if (response.statusCode() == 404) {
            return false;
        }
        if (response.statusCode() / 100 != 2) {
            throw failure("DELETE instance", response);
        }
        return true;
    }

    /**
     * Registers a binding declared in code; an existing one (409) is fine: the control plane's settings win.
     * A 409 on the group itself means another app owns that consumer group.
     */
    public Registration register(Map<String, Object> binding) {
        HttpResponse<byte[]> response = send(post("/bindings", binding));
        int status = response.statusCode();
        if (status == 201 || status == 200) {
            try {
                BindingConfig created = mapper.readValue(response.body(), BindingConfig.class);
                return new Registration(RegistrationResult.CREATED, created.id(), null);
            } catch (IOException e) {
                return new Registration(RegistrationResult.CREATED, null, null);
            }
        }
        if (status == 409) {
            if ("group".equals(problemField(response))) {
                return new Registration(RegistrationResult.GROUP_TAKEN, null, body(response));
            }
            return new Registration(RegistrationResult.EXISTS, null, null);
        }
        if (status == 403) {
            return new Registration(RegistrationResult.FORBIDDEN, null, problemDetail(response));
        }
        if (status >= 400 && status < 500 && status != 401 && status != 408 && status != 429) {
            return new Registration(RegistrationResult.REJECTED, null, status + " " + body(response));
        }
        throw failure("POST bindings", response);
    }

    /** A topic as {@code GET /topics/{topic}} shows it: its owner, producers and declared types. */
    public record TopicInfo(String name, String app, java.util.List<String> producers, java.util.List<String> types) {
    }

    /** What a catalog write answered: the status and, for an error, the problem's detail. */
    public record Answer(int status, String problem) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    /**
     * {@code GET /topics/{topic}?kafka=false}.
     *
     * @return the topic, or {@code null} when the catalog has none of that name
     * @throws ControlPlaneException when it cannot be reached or answers another error
     */
    public TopicInfo topic(String name) {
        HttpRequest request = request("/topics/" + pathSegment(name) + "?kafka=false").timeout(requestTimeout).GET().build();
        HttpResponse<byte[]> response = send(request);
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() == 403) {
            throw new Forbidden(problemDetail(response));
        }
        if (response.statusCode() != 200) {
            throw failure("GET topic", response);
        }
        try {
            var tree = mapper.readTree(response.body());
            java.util.List<String> producers = new java.util.ArrayList<>();
            tree.path("producers").forEach(p -> producers.add(p.asText()));
            java.util.List<String> types = new java.util.ArrayList<>();
            tree.path("types").forEach(t -> types.add(t.path("name").asText()));
            return new TopicInfo(tree.path("name").asText(name), tree.path("app").asText(null), producers, types);
        } catch (IOException e) {
            throw new ControlPlaneException("Unreadable topic: " + e.getMessage(), e);
        }
    }

    /**
     * {@code POST /topics} (the server creates it in the catalog and in Kafka, audited).
     *
     * @throws ControlPlaneException when it cannot be reached or answers 5xx, 401, 408 or 429 (worth retrying)
     */
    public Answer createTopic(Map<String, Object> topic) {
        return write("POST topics", post("/topics", topic));
    }

    /** {@code POST /topics/{topic}/types}; errors as for {@link #createTopic}. */
    public Answer addType(String topic, String type) {
        return write("POST types", post("/topics/" + pathSegment(topic) + "/types", Map.of("name", type)));
    }

    private Answer write(String what, HttpRequest request) {
        HttpResponse<byte[]> response = send(request);
        int status = response.statusCode();
        if (status / 100 == 2) {
            return new Answer(status, null);
        }
        if (status >= 500 || status == 401 || status == 408 || status == 429) {
            throw failure(what, response);
        }
        return new Answer(status, problemDetail(response));
    }

    /** The {@code detail} of a problem+json answer, else the body. */
    private String problemDetail(HttpResponse<byte[]> response) {
        try {
            var detail = mapper.readTree(response.body()).get("detail");
            if (detail != null && !detail.isNull()) {
                return detail.asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the body itself says it
        }
        return body(response);
    }

    private static String pathSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The {@code field} of a problem+json answer, or null. */
    private String problemField(HttpResponse<byte[]> response) {
        try {
            var field = mapper.readTree(response.body()).get("field");
            return field == null || field.isNull() ? null : field.asText();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json");
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    private HttpRequest post(String path, Object body) {
        try {
            return request(path).timeout(requestTimeout).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body))).build();
        } catch (IOException e) {
            throw new ControlPlaneException("Cannot write request: " + e.getMessage(), e);
        }
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ControlPlaneException("Control plane unreachable at " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlPlaneException("Interrupted", e);
        }
    }

    private static ControlPlaneException failure(String what, HttpResponse<byte[]> response) {
        return new ControlPlaneException(what + " answered " + response.statusCode() + ": " + body(response), null);
    }

    private static String body(HttpResponse<byte[]> response) {
        byte[] body = response.body();
        if (body == null) {
            return "";
        }
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 500 ? text.substring(0, 500) : text;
    }

    /** The control plane cannot be reached or answered an error. */
    public static class ControlPlaneException extends RuntimeException {
        ControlPlaneException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** {@code Retry-After} in milliseconds (seconds or an HTTP date), or -1 when absent or unreadable. */
    static long retryAfterMillis(HttpResponse<?> response) {
        String value = response.headers().firstValue("Retry-After").orElse(null);
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim())) * 1000;
        } catch (NumberFormatException notSeconds) {
            try {
                java.time.ZonedDateTime at = java.time.ZonedDateTime.parse(value.trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(java.time.Instant.now(), at.toInstant()).toMillis());
            } catch (java.time.format.DateTimeParseException e) {
                return -1;
            }
        }
    }

    /** 503 or 429: the control plane is over capacity or limiting this client; poll again after {@link #retryAfterMillis()}. */
    public static final class Overloaded extends ControlPlaneException {
        private final long retryAfterMillis;

        Overloaded(String message, long retryAfterMillis) {
            super(message, null);
            this.retryAfterMillis = retryAfterMillis;
        }

        /** The answer's {@code Retry-After} in milliseconds, or -1 when it sent none. */
        public long retryAfterMillis() {
            return retryAfterMillis;
        }
    }

    /** 403: the app may not read this (a RESTRICTED topic it neither owns, produces to nor consumes); not worth retrying. */
    public static final class Forbidden extends ControlPlaneException {
        Forbidden(String detail) {
            super(detail, null);
        }
    }
}
