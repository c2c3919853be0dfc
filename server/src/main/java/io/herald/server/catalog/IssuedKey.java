package io.herald.server.catalog;

/** A freshly issued API key: the only moment the secret is ever shown. */
public record IssuedKey(String app, long id, String prefix, String apiKey) {
}
