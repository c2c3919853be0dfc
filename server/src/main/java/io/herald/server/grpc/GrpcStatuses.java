package io.herald.server.grpc;

import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.herald.server.common.HeraldException;
import io.herald.server.common.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Herald's errors as gRPC statuses, in one place: the HTTP status of each {@link HeraldException}
 * maps to one gRPC code, and the fields at fault travel as a {@code google.rpc.BadRequest} detail
 * (as the HTTP problem's {@code field} and {@code errors} do). A client's mistake is never
 * UNKNOWN or INTERNAL; only Herald's own failures are INTERNAL, logged with their stack.
 */
final class GrpcStatuses {

    private static final Logger log = LoggerFactory.getLogger(GrpcStatuses.class);

    private GrpcStatuses() {
    }

    static Code code(Throwable e) {
        return e instanceof HeraldException h ? code(h.status().value()) : Code.INTERNAL;
    }

    /** The gRPC code of an HTTP status Herald answers with. */
    static Code code(int http) {
        {
            return switch (http) {
                case 400, 415, 422 -> Code.INVALID_ARGUMENT;
                case 409 -> Code.FAILED_PRECONDITION;
                case 401 -> Code.UNAUTHENTICATED;
                case 403 -> Code.PERMISSION_DENIED;
                case 404 -> Code.NOT_FOUND;
                case 413, 429 -> Code.RESOURCE_EXHAUSTED;
                case 503, 504 -> Code.UNAVAILABLE;
                default -> http >= 500 ? Code.INTERNAL : http < 300 ? Code.OK : Code.INVALID_ARGUMENT;
            };
        }
    }

    /** The field at fault, or empty. */
    static String field(Throwable e) {
        return e instanceof HeraldException h && h.field() != null ? h.field() : "";
    }

    static String message(Throwable e) {
        if (e instanceof HeraldException) {
            return e.getMessage();
        }
        return "Herald failed to handle the call; see the server's log";
    }

    /** The status to close a call with. */
    static StatusRuntimeException of(Throwable e) {
        e = unwrap(e);
        if (e instanceof StatusRuntimeException s) {
            return s;
        }
        Code code = code(e);
        if (code == Code.INTERNAL) {
            log.error("gRPC call failed", e);
        } else {
            log.debug("gRPC call refused: {}", e.getMessage());
        }
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(message(e));
        BadRequest.Builder bad = BadRequest.newBuilder();
        if (e instanceof ValidationException v) {
            v.violations().forEach(f -> bad.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                    .setField(f.field()).setDescription(f.message())));
        } else if (e instanceof HeraldException h && h.field() != null) {
            bad.addFieldViolations(BadRequest.FieldViolation.newBuilder().setField(h.field()).setDescription(h.getMessage()));
        }
        if (bad.getFieldViolationsCount() > 0) {
            status.addDetails(com.google.protobuf.Any.pack(bad.build()));
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof java.util.concurrent.CompletionException || e instanceof java.util.concurrent.ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        // PostgreSQL out of reach, however wrapped: UNAVAILABLE (retry), not INTERNAL
        return e instanceof io.herald.server.common.HeraldException ? e
                : io.herald.server.common.DatabaseUnavailableException.in(e).<Throwable>map(d -> d).orElse(e);
    }

    static StatusRuntimeException unauthenticated() {
        return Status.UNAUTHENTICATED.withDescription(
                "A valid 'authorization: Bearer <token>' metadata entry is required (admin token or the app's API key)")
                .asRuntimeException();
    }
}
