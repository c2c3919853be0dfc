package io.herald.server.catalog;

import java.time.Instant;

/** An app as the API and console show it. */
public record AppView(String name, String owner, String description, Instant createdAt, Instant updatedAt) {
}
