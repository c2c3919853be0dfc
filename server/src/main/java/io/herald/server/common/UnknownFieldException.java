package io.herald.server.common;

import org.springframework.http.HttpStatus;

/**
 * A free-form body (a map of names to values) names something the resource does not have (400), worded
 * as the strictly read bodies word an unknown field: {@code topic settings: unknown field 'watermark'}.
 */
public class UnknownFieldException extends HeraldException {

    public UnknownFieldException(String resource, String field, String known) {
        super(resource + ": unknown field '" + field + "'; " + resource + " has " + known, field);
    }

    @Override
    public HttpStatus status() {
        return HttpStatus.BAD_REQUEST;
    }

    @Override
    public String title() {
        return "Unknown field";
    }
}
