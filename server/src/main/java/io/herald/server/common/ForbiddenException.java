package io.herald.server.common;

import org.springframework.http.HttpStatus;

/** The caller is known but may not touch this object (403). */
public class ForbiddenException extends HeraldException {

    public ForbiddenException(String message) {
        super(message, null);
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
