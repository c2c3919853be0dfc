package io.herald.server.catalog;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * An HTTP push endpoint for a binding.
 *
 * @param retryStatusCodes 4xx statuses retried by the strategy like a 5xx (429 always is; other 4xx are not)
 */
public record ProcessorView(long id, long bindingId, String app, String group, String topic, ProcessorProtocol protocol,
                            String address, long timeoutMillis, long retryIntervalMillis, int retryCount,
                            boolean retryExponential, List<Integer> retryStatusCodes, int concurrency, Integer ratePerSecond,
                            boolean paused, Instant createdAt, Instant updatedAt) {

    static List<Integer> parseCodes(String stored) {
        if (stored == null || stored.isBlank()) {
            return List.of();
        }
        return Arrays.stream(stored.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Integer::valueOf).sorted().toList();
    }
}
