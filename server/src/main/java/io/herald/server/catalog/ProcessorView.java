package io.herald.server.catalog;

import java.time.Instant;

/** An HTTP push endpoint for a binding. */
public record ProcessorView(long id, long bindingId, String app, String group, String topic, ProcessorProtocol protocol,
                            String address, long timeoutMillis, long retryIntervalMillis, int retryCount,
                            boolean retryExponential, int concurrency, Integer ratePerSecond, boolean paused,
                            Instant createdAt, Instant updatedAt) {
}
