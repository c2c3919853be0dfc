package io.herald.server.ingest;

import io.herald.server.common.HeraldException;
import org.springframework.http.HttpStatus;

/** An event Herald cannot take as sent: malformed (400), too large (413), of an unsupported media type (415). */
final class IngestException extends HeraldException {

    private final HttpStatus status;
    private final String title;

    IngestException(HttpStatus status, String title, String message, String field) {
        super(message, field);
        this.status = status;
        this.title = title;
    }

    @Override
    public HttpStatus status() {
        return status;
    }

    @Override
    public String title() {
        return title;
    }
}
