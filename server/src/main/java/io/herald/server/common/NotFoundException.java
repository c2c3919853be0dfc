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

    @Override
    public HttpStatus status() {
        return HttpStatus.NOT_FOUND;
    }

    @Override
    public String title() {
        return "Not found";
    }
}
