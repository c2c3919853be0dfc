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
 * @param retryStatusCodes 4xx statuses retried by the strategy like a 5xx (429 always is; other 4xx are not)
 */
public record ProcessorView(long id, long bindingId, String app, String group, String topic, ProcessorProtocol protocol,
                            String address, long timeoutMillis, long retryIntervalMillis, int retryCount,
                            boolean retryExponential, List<Integer> retryStatusCodes, int concurrency, Integer ratePerSecond,
                            boolean paused, String passBack, long processingDelayMillis, String startPosition,
                            Instant createdAt, Instant updatedAt) {

    static List<Integer> parseCodes(String stored) {
        if (stored == null || stored.isBlank()) {
            return List.of();
        }
        return Arrays.stream(stored.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Integer::valueOf).sorted().toList();
    }
}
