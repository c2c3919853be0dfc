package io.herald.server.grpc;

import io.herald.server.common.HeraldException;
import org.springframework.http.HttpStatus;

/** A request the gRPC door refuses before the ingestion service sees it (a batch with too many events). */
final class GrpcRefusal extends HeraldException {

    private final HttpStatus status;

    GrpcRefusal(int status, String message, String field) {
        super(message, field);
        this.status = HttpStatus.valueOf(status);
    }

    @Override
    public HttpStatus status() {
        return status;
    }

    @Override
    public String title() {
        return status.getReasonPhrase();
    }
}
