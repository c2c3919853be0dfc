package io.herald.server.common;

import org.springframework.http.HttpStatus;

/** The caller is known but may not touch this object (403). */
public class ForbiddenException extends HeraldException {

    public ForbiddenException(String message) {
        super(message, null);
    }

    /** Forbidden because of what one request field names (a topic the app may not consume, say). */
    public ForbiddenException(String message, String field) {
        super(message, field);
    }

    @Override
    public HttpStatus status() {
        return HttpStatus.FORBIDDEN;
    }

    @Override
    public String title() {
        return "Forbidden";
    }
}
