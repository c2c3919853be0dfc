package io.herald.server.catalog;

import java.time.Instant;

/** An API key's public part: never the key itself. */
public record ApiKeyView(long id, String prefix, Instant createdAt, Instant revokedAt) {
}
