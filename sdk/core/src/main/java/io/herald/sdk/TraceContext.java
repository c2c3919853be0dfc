package io.herald.sdk;

import io.herald.sdk.wire.Traceparents;
import java.util.function.Supplier;

/**
 * The W3C trace context ({@code traceparent}) Herald puts on the messages a thread sends.
 *
 * <p>Every message Herald sends carries a {@code traceparent} header (when tracing is on). It is,
 * in this order: the one of an open {@link #with(String) scope} on the sending thread; the one
 * the {@link HeraldBuilder#withTraceparentSupplier supplier} given to the builder returns (for
 * example the current OpenTelemetry span's); inside a listener, the one of the message being
 * handled (so a message sent while handling another continues its trace); else a new one.
 *
 * <pre>{@code
 * try (TraceContext.Scope scope = TraceContext.with(request.getHeader("traceparent"))) {
 *     sender.send("trade", "pay-succ", orderId, payment);      // carries the caller's traceparent
 * }
 * }</pre>
 */
public final class TraceContext {

    /** A String, or a traceparent header not yet decoded: its ASCII bytes or the consumed Kafka header ({@link #withHeader}). */
    private static final ThreadLocal<Object> CURRENT = new ThreadLocal<>();
    /**
     * Whether a scope was ever opened in this JVM: until then every send skips the thread-local
     * look-up (a miss costs a probe). Set once and never reset, so that a listener's scope per
     * message costs two thread-local writes and no shared write.
     */
    private static volatile boolean opened;
    /** Closes a scope opened on a thread that had none: the listener's case. */
    private static final Scope CLEAR = () -> CURRENT.set(null);

    private TraceContext() {
    }

    /** A scope that restores the previous trace context when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Makes {@code traceparent} the trace context of messages sent by this thread until the scope
     * is closed. A value that is not a W3C traceparent ({@code 00-<32 hex>-<16 hex>-<2 hex>}) is
     * ignored (Herald then creates one).
     */
    public static Scope with(String traceparent) {
        if (!isValid(traceparent)) {
            return () -> { };
        }
        return open(traceparent);
    }

    /**
     * {@link #with(String)} for a {@code traceparent} header value as it came off Kafka (ASCII
     * bytes, not copied): it is checked and decoded only if a send of this thread asks for it, so
     * a listener that sends nothing pays for neither. A value that is not a W3C traceparent then
     * counts as no trace context (Herald creates one for the send).
     */
    public static Scope withHeader(byte[] traceparent) {
        if (traceparent == null) {
            return () -> { };
        }
        return open(traceparent);
    }

    /**
     * {@link #withHeader(byte[])} for the {@code traceparent} header of a consumed record itself: its
     * value is not even copied out of the fetched bytes unless a send of this thread asks for it.
     */
    public static Scope withHeader(org.apache.kafka.common.header.Header traceparent) {
        if (traceparent == null) {
            return () -> { };
        }
        return open(traceparent);
    }

    private static Scope open(Object traceparent) {
        Object previous = CURRENT.get();
        CURRENT.set(traceparent);
        if (!opened) {
            opened = true;
        }
        // set, not remove(): a listener opens a scope per message, and removing the entry each
        // time makes the next set() rebuild it and sweep the thread's map
        return previous == null ? CLEAR : () -> CURRENT.set(previous);
    }

    /** The traceparent of this thread's open scope, or {@code null}. */
    public static String current() {
        if (!opened) {
            return null;
        }
        Object value = CURRENT.get();
        if (value instanceof org.apache.kafka.common.header.Header header) {
            value = header.value();
        }
        if (value instanceof byte[] bytes) {
            String decoded = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (!isValid(decoded)) {
                return null;
            }
            CURRENT.set(decoded); // restored by the scope's close() like any value
            return decoded;
        }
        return (String) value;
    }

    /** Runs {@code action} with {@code traceparent} as the thread's trace context. */
    public static <T> T call(String traceparent, Supplier<T> action) {
        try (Scope ignored = with(traceparent)) {
            return action.get();
        }
    }

    /** Whether {@code value} has the shape of a W3C traceparent (version 00); see {@link Traceparents#isValid}. */
    public static boolean isValid(String value) {
        return Traceparents.isValid(value);
    }
}
