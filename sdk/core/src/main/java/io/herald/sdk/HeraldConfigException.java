package io.herald.sdk;

/**
 * A setting is missing, malformed or conflicts with another one. Thrown when a {@link Herald} is
 * built, so a wrong configuration fails at start-up; the message names every setting involved.
 */
public final class HeraldConfigException extends NonRetryableHeraldException {

    public HeraldConfigException(String message) {
        super(message, null);
    }
}
