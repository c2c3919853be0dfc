package io.herald.server.catalog;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A push endpoint for a binding: an HTTP URL, or a gRPC {@code host:port} serving {@code herald.v1.Dispatcher}.
 *
 * @param passBack         a value the endpoint gets back with every event (empty: none)
 * @param processingDelayMillis the endpoint gets each event this long after it was written (0: at once)
 * @param startPosition    where a new processor's group starts: earliest, latest, an ISO-8601 time; empty: the server's default
 * @param retryStatusCodes statuses retried by the strategy besides those always retried: 4xx for HTTP (429 always is;
 *                         other 4xx are not), gRPC status codes for GRPC (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED
 *                         and ABORTED always are)
 */
public record ProcessorView(long id, long bindingId, String app, String group, String topic, ProcessorProtocol protocol,
                            String address, long timeoutMillis, long retryIntervalMillis, int retryCount,
                            boolean retryExponential, List<Integer> retryStatusCodes, int concurrency, Integer ratePerSecond,
                            boolean paused, String passBack, long processingDelayMillis, String startPosition,
                            Instant createdAt, Instant updatedAt) {

    /** The statuses retried, as the console shows them: {@code 429, 404} for HTTP, {@code UNAVAILABLE, …, NOT_FOUND (5)} for gRPC. */
    public String retriedStatuses() {
        if (protocol == ProcessorProtocol.GRPC) {
            StringBuilder b = new StringBuilder("UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED");
            for (Integer code : retryStatusCodes) {
                b.append(", ").append(io.grpc.Status.fromCodeValue(code).getCode()).append(" (").append(code).append(')');
            }
            return b.toString();
        }
        return retryStatusCodes.isEmpty() ? "429 only" : "429, " + String.join(", ", retryStatusCodes.stream().map(String::valueOf).toList());
    }

    /** The listed statuses as the form takes them: numbers for HTTP, names for gRPC. */
    public String retryStatusCodesText() {
        return String.join(", ", retryStatusCodes.stream().map(c -> protocol == ProcessorProtocol.GRPC
                ? io.grpc.Status.fromCodeValue(c).getCode().name() : String.valueOf(c)).toList());
    }

    static List<Integer> parseCodes(String stored) {
        if (stored == null || stored.isBlank()) {
            return List.of();
        }
        return Arrays.stream(stored.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Integer::valueOf).sorted().toList();
    }
}
