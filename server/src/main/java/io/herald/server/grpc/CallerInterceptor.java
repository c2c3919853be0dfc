package io.herald.server.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.herald.server.security.ApiCallers;
import io.herald.server.security.Caller;
import java.util.Optional;

/**
 * Authenticates a gRPC call by its {@code authorization} metadata ({@code Bearer <token>}: the admin
 * token or an app's API key), exactly as the HTTP API does; a call without a valid one is closed
 * UNAUTHENTICATED before it reaches the service.
 */
final class CallerInterceptor implements ServerInterceptor {

    static final Context.Key<Caller> CALLER = Context.key("herald-caller");
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ApiCallers callers;

    CallerInterceptor(ApiCallers callers) {
        this.callers = callers;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Optional<Caller> caller;
        try {
            caller = callers.authenticate(headers.get(AUTHORIZATION));
        } catch (RuntimeException e) {
            var status = GrpcStatuses.of(e);
            call.close(status.getStatus(), status.getTrailers() == null ? new Metadata() : status.getTrailers());
            return new ServerCall.Listener<>() { };
        }
        if (caller.isEmpty()) {
            call.close(GrpcStatuses.unauthenticated().getStatus(), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller.get()), call, headers, next);
    }
}
