package io.herald.server.security;

import java.util.Optional;

/**
 * The port through which the security layer learns which app an API key belongs to; the catalog,
 * which keeps the apps and their hashed keys, provides it. Security so never depends on the catalog.
 */
public interface AppKeys {

    /**
     * The app whose API key {@code token} is, or empty for a key that is no app's (unknown, revoked).
     *
     * @throws RuntimeException holding a {@link io.herald.server.common.DatabaseUnavailableException}
     *                          when PostgreSQL cannot be reached and the key cannot be vouched for otherwise
     */
    Optional<String> appOf(String token);
}
