package io.herald.server.dispatch;

import io.herald.sdk.wire.HeraldHeaders;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * POSTs one Kafka record to a processor's endpoint in CloudEvents HTTP binary mode and says what
 * the answer means. The mapping is written out here rather than through the CloudEvents SDK's
 * reader: the SDK refuses a record without ce_ headers, while Herald pushes plain Kafka records
 * too (with defaults), and passing the value bytes through untouched keeps the hot path free of
 * event objects. Kafka header {@code ce_x} becomes HTTP header {@code ce-x}, percent-encoded as
 * the CloudEvents HTTP binding asks; {@code content-type} becomes {@code Content-Type}.
 */
final class PushClient implements Pusher {

    /** Answer of the endpoint for one attempt. */
    enum Verdict { SUCCESS, RETRY, FAIL, CANCEL, /** the endpoint cancelled the event: not pushed again, not dead-lettered */ DROP }

    record Outcome(Verdict verdict, int status, Long retryAfterMillis, String reason, Throwable error) {
    }

    static final String RETRY_HEADER = "Herald-Retry";

    private final HttpClient client;
    private final URI address;
    private final Duration timeout;
    private final java.util.Set<Integer> retryStatusCodes;

    PushClient(String address, long timeoutMillis, java.util.Collection<Integer> retryStatusCodes) {
        this.address = URI.create(address);
        this.retryStatusCodes = java.util.Set.copyOf(retryStatusCodes);
        this.timeout = Duration.ofMillis(timeoutMillis);
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(Math.min(timeoutMillis, 10_000)))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public Outcome push(ConsumerRecord<byte[], byte[]> record, int attempt) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(address).timeout(timeout)
                .POST(record.value() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(record.value()));
        boolean specVersion = false;
        boolean id = false;
        boolean source = false;
        boolean type = false;
        boolean time = false;
        boolean contentType = false;
        boolean partitionKey = false;
        for (Header h : record.headers()) {
            String key = h.key();
            if (h.value() == null) {
                continue;
            }
            if (key.startsWith("ce_") && key.length() > 3) {
                String attribute = key.substring(3);
                switch (attribute) {
                    case "specversion" -> specVersion = true;
                    case "id" -> id = true;
                    case "source" -> source = true;
                    case "type" -> type = true;
                    case "time" -> time = true;
                    case "partitionkey" -> partitionKey = true;
                    default -> { }
                }
                b.setHeader("ce-" + attribute, percentEncode(h.value()));
            } else if (key.equalsIgnoreCase(HeraldHeaders.CONTENT_TYPE)) {
                b.setHeader("Content-Type", new String(h.value(), StandardCharsets.ISO_8859_1));
                contentType = true;
            } else if (key.equals(HeraldHeaders.TRACEPARENT) || key.equals("tracestate")) {
                b.setHeader(key, new String(h.value(), StandardCharsets.ISO_8859_1));
            }
        }
        // a plain Kafka record (no CloudEvents headers) still goes out as a valid CloudEvent
        if (!specVersion) {
            b.setHeader("ce-specversion", HeraldHeaders.SPEC_VERSION);
        }
        if (!id) {
            b.setHeader("ce-id", record.topic() + "-" + record.partition() + "-" + record.offset());
        }
        if (!source) {
            b.setHeader("ce-source", "/topics/" + record.topic());
        }
        if (!type) {
            b.setHeader("ce-type", "herald.record");
        }
        // Herald's SDK leaves ce_time out: the record's Kafka timestamp is the event time
        if (!time && record.timestamp() >= 0) {
            b.setHeader("ce-time", java.time.Instant.ofEpochMilli(record.timestamp()).toString());
        }
        // the record's key reaches the endpoint as the CloudEvents partitioning extension, whoever produced it
        if (!partitionKey && record.key() != null) {
            b.setHeader("ce-partitionkey", percentEncode(record.key()));
        }
        if (!contentType && record.value() != null) {
            b.setHeader("Content-Type", "application/octet-stream");
        }
        b.setHeader("Herald-Attempt", String.valueOf(attempt));
        try {
            HttpResponse<Void> response = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
            return judge(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null),
                    response.headers().firstValue(RETRY_HEADER).orElse(null), retryStatusCodes);
        } catch (HttpTimeoutException e) {
            return new Outcome(Verdict.RETRY, 0, null, "no answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            return new Outcome(Verdict.RETRY, 0, null, "connection failed: " + e, e);
        } catch (IllegalArgumentException e) {
            return new Outcome(Verdict.FAIL, 0, null, "the record cannot be sent as an HTTP request: " + e.getMessage(), e);
        }
    }

    /**
     * What an HTTP answer means for the message: 2xx done; 408, 429 and 5xx retried (429 and 503
     * after their {@code Retry-After}); another 4xx fails at once unless the processor lists it in
     * {@code retryStatusCodes} (then it is retried, after its {@code Retry-After} if it sent one);
     * {@code Herald-Retry: false} on any failure stops the retries.
     */
    static Outcome judge(int status, String retryAfter, String retryHeader, java.util.Set<Integer> retryStatusCodes) {
        if (status >= 200 && status < 300) {
            return new Outcome(Verdict.SUCCESS, status, null, null, null);
        }
        if (retryHeader != null && retryHeader.strip().toLowerCase(Locale.ROOT).equals("false")) {
            return new Outcome(Verdict.CANCEL, status, null, "HTTP " + status + " with " + RETRY_HEADER + ": false (the endpoint cancelled retries)", null);
        }
        if (status == 429 || status >= 500 || status == 408) {
            Long after = status == 429 || status == 503 ? RetryPolicy.parseRetryAfter(retryAfter, Instant.now()) : null;
            return new Outcome(Verdict.RETRY, status, after, "HTTP " + status, null);
        }
        if (retryStatusCodes.contains(status)) {
            return new Outcome(Verdict.RETRY, status, RetryPolicy.parseRetryAfter(retryAfter, Instant.now()),
                    "HTTP " + status + " (retried: listed in the processor's retryStatusCodes)", null);
        }
        return new Outcome(Verdict.FAIL, status, null, "HTTP " + status + " (not retried)", null);
    }

    /** CloudEvents HTTP binding: space, '"', '%' and everything outside printable ASCII are percent-encoded UTF-8. */
    static String percentEncode(byte[] utf8) {
        boolean plain = true;
        for (byte c : utf8) {
            if (c <= 0x20 || c >= 0x7F || c == '"' || c == '%') {
                plain = false;
                break;
            }
        }
        if (plain) {
            return new String(utf8, StandardCharsets.ISO_8859_1);
        }
        StringBuilder sb = new StringBuilder(utf8.length + 16);
        for (byte c : utf8) {
            int u = c & 0xFF;
            if (u <= 0x20 || u >= 0x7F || u == '"' || u == '%') {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(u >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(u & 0xF, 16)));
            } else {
                sb.append((char) u);
            }
        }
        return sb.toString();
    }
}
