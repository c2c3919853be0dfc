package io.herald.server.common;

import org.springframework.http.HttpStatus;

/** The request clashes with the current state: a duplicate name, a topic still bound (409). */
public class ConflictException extends HeraldException {

    public ConflictException(String message, String field) {
        super(message, field);
    }

    @Override
    public HttpStatus status() {
        return HttpStatus.CONFLICT;
    }

    @Override
    public String title() {
        return "Conflict";
    }
}
