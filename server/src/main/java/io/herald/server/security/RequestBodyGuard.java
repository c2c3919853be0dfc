package io.herald.server.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.catalina.Context;
import org.apache.catalina.Session;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.apache.coyote.InputBuffer;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.tomcat.util.net.ApplicationBufferHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;

/**
 * Keeps request bodies from holding the server's worker threads. Tomcat reads a body on a worker
 * thread, and its timeouts only bound each silence, so a client sending a byte a second held a
 * thread for as long as it liked — even after Herald had answered 401, while Tomcat read the rest
 * of the body before sending the answer. A couple of hundred such clients held every thread: health
 * and the API stopped answering. This valve runs before anything reads a body (Spring Security, the
 * ingestion filter, Spring MVC):
 * <ul>
 * <li>a body from a caller that presents no valid bearer token and no signed-in console session is
 * not read: 401 problem+json ({@code HX-Refresh} for htmx, the sign-in page for a browser) and the
 * connection is closed; only a small one with a {@code Content-Length} (the sign-in form, whose
 * caller cannot be signed in yet) is read, a few at a time ({@code 503} unread beyond that) and
 * within a short time;</li>
 * <li>every body has a deadline: {@code herald.http.body-timeout}, one second more for every
 * {@code body-min-rate} bytes received. A body past it is answered 408 and its connection closed;
 * the rest of a body the application did not read is read under the same deadline (instead of by
 * Tomcat without one), or the connection closed.</li>
 * </ul>
 * Refusals are logged at debug and counted in {@code herald_http_bodies_refused_total{reason}}.
 */
final class RequestBodyGuard extends ValveBase {

    private static final Logger log = LoggerFactory.getLogger(RequestBodyGuard.class);
    private static final String BUSY_DETAIL = "Too many requests with a body from callers that are not signed in are being"
            + " read at the moment; try again in a second";
    private static final String TOO_SLOW_DETAIL = "The request body did not arrive in time (herald.http.body-timeout)";

    private final RequestBodyProperties props;
    private final Supplier<ApiCallers> callers;
    private final ObjectProvider<MeterRegistry> meters;
    private final Semaphore anonymousReaders;
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();

    RequestBodyGuard(RequestBodyProperties props, Supplier<ApiCallers> callers, ObjectProvider<MeterRegistry> meters) {
        super(true);
        this.props = props;
        this.callers = callers;
        this.meters = meters;
        this.anonymousReaders = new Semaphore(props.anonymousBodyConcurrency());
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        org.apache.coyote.Request coyote = request.getCoyoteRequest();
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            // a held request coming back to be answered: its body was let in (or not) when it came
            try {
                getNext().invoke(request, response);
            } finally {
                finish(request, response, clock(coyote));
            }
            return;
        }
        BodyClock clock = clock(coyote);
        clock.disarm();
        if (coyote.getContentLengthLong() <= 0 && coyote.getHeader("Transfer-Encoding") == null) {
            getNext().invoke(request, response);
            return;
        }
        if (authenticated(request)) {
            clock.arm(props.bodyTimeout().toNanos(), props.bodyMinRate().toBytes(), coyote.getContentLengthLong());
            try {
                getNext().invoke(request, response);
            } finally {
                finish(request, response, clock);
            }
            return;
        }
        long length = coyote.getContentLengthLong();
        if (length < 0 || length > props.anonymousBodyMax().toBytes()) {
            count("unauthenticated");
            log.debug("{} {} from {}: a body of {} from a caller that is not authenticated, refused unread", request.getMethod(),
                    request.getRequestURI(), request.getRemoteAddr(), length < 0 ? "unknown length" : length + " bytes");
            refuse(request, response);
            return;
        }
        if (!anonymousReaders.tryAcquire()) {
            count("busy");
            log.debug("{} {} from {}: {} bodies of callers that are not authenticated are being read already, refused unread",
                    request.getMethod(), request.getRequestURI(), request.getRemoteAddr(), props.anonymousBodyConcurrency());
            busy(request, response);
            return;
        }
        try {
            clock.arm(props.anonymousBodyTimeout().toNanos(), 0, length);
            try {
                getNext().invoke(request, response);
            } finally {
                finish(request, response, clock);
            }
        } finally {
            anonymousReaders.release();
        }
    }

    /** A valid bearer token (admin token, an app's key) or a signed-in console session. */
    private boolean authenticated(Request request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null) {
            try {
                if (callers.get().authenticate(authorization).isPresent()) {
                    return true;
                }
            } catch (RuntimeException e) {
                // the key cannot be checked now (PostgreSQL is down): the chain answers it as it does any
                // request then (503), and the body is read within the deadline
                log.debug("{} {}: the caller could not be checked ({}); its body is read within herald.http.body-timeout",
                        request.getMethod(), request.getRequestURI(), e.toString());
                return true;
            }
        }
        return signedIn(request);
    }

    private static boolean signedIn(Request request) {
        String id = request.getRequestedSessionId();
        Context context = request.getContext();
        if (id == null || context == null || context.getManager() == null) {
            return false;
        }
        try {
            Session session = context.getManager().findSession(id);
            if (session == null || !session.isValid()) {
                return false;
            }
            Object kept = session.getSession().getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
            Authentication auth = kept instanceof SecurityContext c ? c.getAuthentication() : null;
            return auth != null && auth.isAuthenticated() && !(auth instanceof AnonymousAuthenticationToken);
        } catch (IOException | IllegalStateException e) {
            // no such session, or it ended just now
            return false;
        }
    }

    /** 401 without reading the body, as the API and the console answer a caller that is not signed in. */
    private void refuse(Request request, Response response) throws IOException {
        closeAfterAnswer(request, response);
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/api/") || path.startsWith("/actuator/") || path.startsWith("/v3/api-docs") || path.startsWith("/error")) {
            callers.get().unauthorized(request, response);
        } else if (request.getHeader("HX-Request") != null) {
            // as the console's own entry point: htmx reloads the page, which leads to the sign-in
            response.setStatus(401);
            response.setHeader("HX-Refresh", "true");
        } else {
            response.setStatus(302);
            response.setHeader("Location", request.getContextPath() + "/login");
        }
    }

    private void busy(Request request, Response response) throws IOException {
        closeAfterAnswer(request, response);
        byte[] body = ("{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,\"detail\":\"" + BUSY_DETAIL
                + "\"}").getBytes(StandardCharsets.UTF_8);
        response.setStatus(503);
        response.setHeader("Retry-After", "1");
        callers.get().writeHeaders(request, response);
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * After the application's answer: what it left of the body is read within the deadline (so that the
     * connection can carry the next request, as Tomcat would do without a deadline), or the connection is
     * closed after the answer. A body that was too slow closes the connection too.
     */
    private void finish(Request request, Response response, BodyClock clock) {
        if (request.isAsync() || !clock.armed()) {
            return;
        }
        org.apache.coyote.Request coyote = request.getCoyoteRequest();
        try {
            if (!clock.failed() && !isFinished(coyote)) {
                if (coyote.hasExpectation() && coyote.getBytesRead() == 0) {
                    // the client waits for "100 Continue" before it sends the body: it is not asked to send it now
                    closeAfterAnswer(request, response);
                } else if (!drain(request, coyote)) {
                    closeAfterAnswer(request, response);
                }
            }
            if (clock.tripped()) {
                count("too-slow");
                log.debug("{} {} from {}: the body did not arrive within its deadline ({} bytes read); connection closed",
                        request.getMethod(), request.getRequestURI(), request.getRemoteAddr(), coyote.getBytesRead());
                tooSlow(request, response);
                closeAfterAnswer(request, response);
            } else if (clock.failed()) {
                closeAfterAnswer(request, response);
            }
        } finally {
            clock.disarm();
        }
    }

    /**
     * 408 problem+json, whatever the application made of the failed read (Spring MVC calls it an unreadable body,
     * 400). Form parameters that could not be read have made Tomcat drop the connection already: nothing is sent.
     */
    private void tooSlow(Request request, Response response) {
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (response.isCommitted() || !ioAllowed.get()) {
            return;
        }
        byte[] body = ("{\"type\":\"about:blank\",\"title\":\"Request Timeout\",\"status\":408,\"detail\":\"" + TOO_SLOW_DETAIL
                + "\"}").getBytes(StandardCharsets.UTF_8);
        try {
            response.setSuspended(false);
            response.reset();
            response.setStatus(408);
            callers.get().writeHeaders(request, response);
            response.setContentType("application/problem+json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        } catch (IOException | IllegalStateException e) {
            // the connection is gone: nobody is left to tell
        }
    }

    private static boolean isFinished(org.apache.coyote.Request coyote) {
        AtomicBoolean finished = new AtomicBoolean();
        coyote.action(ActionCode.REQUEST_BODY_FULLY_READ, finished);
        return finished.get();
    }

    /** Reads the rest of the body (within its deadline and Tomcat's max-swallow-size); false when it could not. */
    private static boolean drain(Request request, org.apache.coyote.Request coyote) {
        long limit = request.getConnector().getProtocolHandler() instanceof AbstractHttp11Protocol<?> http
                ? http.getMaxSwallowSize() : 2 * 1024 * 1024;
        long length = coyote.getContentLengthLong();
        if (limit >= 0 && length >= 0 && length - coyote.getBytesRead() > limit) {
            return false;
        }
        Handler handler = new Handler();
        long drained = 0;
        try {
            while (limit < 0 || drained <= limit) {
                int n = coyote.doRead(handler);
                if (n < 0) {
                    return true;
                }
                drained += n;
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** The connection ends after this answer: Tomcat neither reads the rest of the body nor waits for another request. */
    private static void closeAfterAnswer(Request request, Response response) {
        if (!response.isCommitted()) {
            response.setHeader("Connection", "close");
        }
        request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
    }

    private void count(String reason) {
        refused.computeIfAbsent(reason, r -> {
            MeterRegistry registry = meters.getIfAvailable();
            return registry == null ? null : Counter.builder("herald.http.bodies.refused").tag("reason", r)
                    .description("Request bodies refused unread or cut off: from callers that are not authenticated,"
                            + " beyond herald.http.anonymous-body-concurrency, or past their deadline")
                    .register(registry);
        });
        Counter counter = refused.get(reason);
        if (counter != null) {
            counter.increment();
        }
    }

    /** The request's clock, put between Tomcat's request and its body once per connection's request object. */
    private static BodyClock clock(org.apache.coyote.Request coyote) {
        if (coyote.getInputBuffer() instanceof BodyClock clock) {
            return clock;
        }
        BodyClock clock = new BodyClock(coyote.getInputBuffer());
        coyote.setInputBuffer(clock);
        return clock;
    }

    /**
     * Every read of a request's body passes here (the application's streams and readers, form parameters,
     * the drain above): once the body is past its deadline the read fails with a
     * {@link SocketTimeoutException}, which Tomcat answers 408.
     */
    static final class BodyClock implements InputBuffer {

        private final InputBuffer body;
        private volatile boolean armed;
        private long start;
        private long allowanceNanos;
        private long minRate;
        private long length;
        private long read;
        private volatile boolean tripped;
        private volatile boolean failed;

        BodyClock(InputBuffer body) {
            this.body = body;
        }

        void arm(long allowanceNanos, long minRate, long length) {
            this.start = System.nanoTime();
            this.allowanceNanos = allowanceNanos;
            this.minRate = minRate;
            this.length = length;
            this.read = 0;
            this.tripped = false;
            this.failed = false;
            this.armed = true;
        }

        void disarm() {
            armed = false;
        }

        boolean armed() {
            return armed;
        }

        boolean tripped() {
            return tripped;
        }

        /** A read failed: too slow, a silence longer than the upload timeout, or the client left. */
        boolean failed() {
            return failed;
        }

        @Override
        public int doRead(ApplicationBufferHandler handler) throws IOException {
            if (!armed) {
                return body.doRead(handler);
            }
            if (tripped) {
                throw new BodyTooSlowException();
            }
            int n;
            try {
                n = body.doRead(handler);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
            if (n <= 0) {
                return n;
            }
            read += n;
            // the read that completes a body of known length is never too late: the body is all there
            if ((length < 0 || read < length) && System.nanoTime() - start > allowed()) {
                tripped = true;
                failed = true;
                throw new BodyTooSlowException();
            }
            return n;
        }

        private long allowed() {
            return minRate <= 0 ? allowanceNanos : allowanceNanos + read / minRate * 1_000_000_000L
                    + read % minRate * 1_000_000_000L / minRate;
        }

        @Override
        public int available() {
            return body.available();
        }
    }

    /** A body past its deadline; a {@link SocketTimeoutException}, so that Tomcat answers 408 as for a silent one. */
    static final class BodyTooSlowException extends SocketTimeoutException {

        BodyTooSlowException() {
            super("The request body did not arrive within herald.http.body-timeout (extended by herald.http.body-min-rate)");
        }
    }

    /** Takes the buffers Tomcat's body filters hand out; the drain only counts them. */
    private static final class Handler implements ApplicationBufferHandler {

        private ByteBuffer buffer = ApplicationBufferHandler.EMPTY_BUFFER;

        @Override
        public void setByteBuffer(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public ByteBuffer getByteBuffer() {
            return buffer;
        }

        @Override
        public void expand(int size) {
            // a drained body is not kept
        }
    }

    /** Puts the guard in front of Tomcat's engine and gives every body read a silence limit. */
    @Configuration(proxyBeanMethods = false)
    static class Install {

        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> requestBodyGuard(RequestBodyProperties props,
                ObjectProvider<ApiCallers> callers, ObjectProvider<MeterRegistry> meters) {
            return factory -> {
                factory.addEngineValves(new RequestBodyGuard(props, callers::getObject, meters));
                factory.addConnectorCustomizers(connector -> {
                    if (connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> http) {
                        // a silence within a body longer than this fails the read (Tomcat answers 408)
                        http.setDisableUploadTimeout(false);
                        http.setConnectionUploadTimeout((int) props.bodyTimeout().toMillis());
                    }
                });
            };
        }
    }
}
