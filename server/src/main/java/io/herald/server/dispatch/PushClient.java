package io.herald.server.dispatch;

import io.herald.sdk.wire.HeraldHeaders;
import io.herald.server.egress.EgressPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * POSTs one Kafka record to a processor's endpoint in CloudEvents HTTP binary mode and says what
 * the answer means. The mapping is written out here rather than through the CloudEvents SDK's
 * reader: the SDK refuses a record without ce_ headers, while Herald pushes plain Kafka records
 * too (with defaults), and passing the value bytes through untouched keeps the hot path free of
 * event objects. Kafka header {@code ce_x} becomes HTTP header {@code ce-x}, percent-encoded as
 * the CloudEvents HTTP binding asks; {@code content-type} becomes {@code Content-Type}.
 *
 * <p>The connection goes only to addresses {@link EgressPolicy} checked when it resolved the host
 * (Apache HttpClient's {@link DnsResolver}; the JDK's HttpClient resolves names on its own).
 */
final class PushClient implements Pusher {

    /** Answer of the endpoint for one attempt. */
    enum Verdict { SUCCESS, RETRY, FAIL, CANCEL, /** the endpoint cancelled the event: not pushed again, not dead-lettered */ DROP }

    record Outcome(Verdict verdict, int status, Long retryAfterMillis, String reason, Throwable error) {
    }

    static final String RETRY_HEADER = "Herald-Retry";

    /** Cuts an attempt off at the processor's timeout, however slowly the endpoint trickles its answer. */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "herald-push-deadlines");
        t.setDaemon(true);
        return t;
    });

    private final CloseableHttpClient client;
    private final URI address;
    private final long timeoutMillis;
    private final java.util.Set<Integer> retryStatusCodes;

    PushClient(String address, long timeoutMillis, java.util.Collection<Integer> retryStatusCodes, int connections, DnsResolver dns) {
        this.address = URI.create(address);
        this.retryStatusCodes = java.util.Set.copyOf(retryStatusCodes);
        this.timeoutMillis = timeoutMillis;
        Timeout timeout = Timeout.ofMilliseconds(timeoutMillis);
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().setDnsResolver(dns)
                        .setMaxConnTotal(Math.max(1, connections)).setMaxConnPerRoute(Math.max(1, connections))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofMilliseconds(Math.min(timeoutMillis, 10_000))).setSocketTimeout(timeout).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout).build())
                .disableRedirectHandling().disableAutomaticRetries().disableContentCompression().disableCookieManagement()
                .disableAuthCaching().setUserAgent("Herald").build();
    }

    /** The record as a CloudEvents HTTP binary-mode request. */
    private HttpPost request(ConsumerRecord<byte[], byte[]> record, int attempt) {
        HttpPost b = new HttpPost(address);
        b.setEntity(new ByteArrayEntity(record.value() == null ? new byte[0] : record.value(), null));
        boolean specVersion = false;
        boolean id = false;
        boolean source = false;
        boolean type = false;
        boolean time = false;
        boolean contentType = false;
        boolean partitionKey = false;
        for (org.apache.kafka.common.header.Header h : record.headers()) {
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
                if (!attribute.matches("[A-Za-z0-9]+")) {
                    throw new IllegalArgumentException("header " + key + " is not a CloudEvents attribute name (letters and digits)");
                }
                b.setHeader("ce-" + attribute, percentEncode(h.value()));
            } else if (key.equalsIgnoreCase(HeraldHeaders.CONTENT_TYPE)) {
                b.setHeader("Content-Type", headerValue(key, h.value()));
                contentType = true;
            } else if (key.equals(HeraldHeaders.TRACEPARENT) || key.equals("tracestate")) {
                b.setHeader(key, headerValue(key, h.value()));
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
        return b;
    }

    @Override
    public Outcome push(ConsumerRecord<byte[], byte[]> record, int attempt) throws InterruptedException {
        HttpPost b;
        try {
            b = request(record, attempt);
        } catch (IllegalArgumentException e) {
            return new Outcome(Verdict.FAIL, 0, null, "the record cannot be sent as an HTTP request: " + e.getMessage(), e);
        }
        AtomicBoolean cutOff = new AtomicBoolean();
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            cutOff.set(true);
            b.cancel();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        try {
            return client.execute(b, response -> {
                EntityUtils.consume(response.getEntity());
                Header retryAfter = response.getFirstHeader("Retry-After");
                Header retry = response.getFirstHeader(RETRY_HEADER);
                return judge(response.getCode(), retryAfter == null ? null : retryAfter.getValue(),
                        retry == null ? null : retry.getValue(), retryStatusCodes);
            });
        } catch (EgressPolicy.RefusedTargetException e) {
            return new Outcome(Verdict.RETRY, 0, null, e.getMessage(), e);
        } catch (UnknownHostException e) {
            return new Outcome(Verdict.RETRY, 0, null, "connection failed: unknown host " + e.getMessage(), e);
        } catch (InterruptedIOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("push interrupted");
            }
            return cutOff.get() || e instanceof java.net.SocketTimeoutException || e instanceof org.apache.hc.client5.http.ConnectTimeoutException
                    ? new Outcome(Verdict.RETRY, 0, null, "no answer within " + timeoutMillis + " ms", e)
                    : new Outcome(Verdict.RETRY, 0, null, "connection failed: " + e, e);
        } catch (IOException e) {
            return new Outcome(Verdict.RETRY, 0, null, (cutOff.get() ? "no answer within " + timeoutMillis + " ms: " : "connection failed: ") + e, e);
        } catch (IllegalArgumentException e) {
            return new Outcome(Verdict.FAIL, 0, null, "the record cannot be sent as an HTTP request: " + e.getMessage(), e);
        } finally {
            deadline.cancel(false);
        }
    }

    /** A Kafka header value passed on as it is: refused when it would break the HTTP request (CR, LF, other controls). */
    private static String headerValue(String name, byte[] value) {
        for (byte c : value) {
            if ((c >= 0 && c < 0x20 && c != '\t') || c == 0x7F) {
                throw new IllegalArgumentException("header " + name + " holds a control character");
            }
        }
        return new String(value, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            // nothing left to do: the connections are gone either way
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
