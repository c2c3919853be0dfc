package io.herald.server.common;

import org.springframework.http.HttpStatus;

/** The addressed object does not exist (404). */
public class NotFoundException extends HeraldException {

    public NotFoundException(String what, String id) {
        super(what + " '" + id + "' does not exist", null);
    }

    public NotFoundException(String what, String id, String field) {
        super(what + " '" + id + "' does not exist", field);
    }

    private NotFoundException(String message) {
        super(message, null);
    }

    /** Not found, with a message that says why rather than only that it does not exist. */
    public static NotFoundException because(String message) {
        return new NotFoundException(message);
    }

    @Override
    public HttpStatus status() {
        return HttpStatus.NOT_FOUND;
    }

    @Override
    public String title() {
        return "Not found";
    }
}
