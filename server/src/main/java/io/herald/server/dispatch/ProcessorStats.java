package io.herald.server.dispatch;

import java.time.Instant;

/**
 * What a processor's pushes came to on this instance since it started: events the endpoint took,
 * failed attempts, dead-lettered and cancelled events, pushes under way, the last answer and
 * error, and how long the current retry still waits.
 */
public record ProcessorStats(long pushed, long failed, long deadLettered, long cancelled, int inFlight, String lastStatus,
                             String lastError, Instant lastAt, long retryWaitMillis) {
}
