package io.herald.server.common;

import org.springframework.http.HttpStatus;

/**
 * Base of every error Herald answers on purpose. Each subtype is one meaning with one HTTP status;
 * {@link ApiProblems} maps them to RFC 7807 problem details in one place.
 */
public abstract class HeraldException extends RuntimeException {

    private final String field;

    protected HeraldException(String message, String field) {
        super(message);
        this.field = field;
    }

    protected HeraldException(String message, String field, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** The request field at fault, or {@code null}. */
    public String field() {
        return field;
    }

    public abstract HttpStatus status();

    /** A short, stable title for the problem type. */
    public abstract String title();
}
