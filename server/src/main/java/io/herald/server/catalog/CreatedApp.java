package io.herald.server.catalog;

/** Answer to creating an app: the app and its first API key (shown once). */
public record CreatedApp(AppView app, String apiKey) {
}
