package io.herald.sdk.spring;

import java.util.function.Supplier;

/**
 * A bean of this type becomes Herald's traceparent supplier
 * ({@link io.herald.sdk.HeraldBuilder#withTraceparentSupplier(Supplier)}): where the W3C
 * traceparent of a message sent outside a {@code TraceContext} scope comes from, for example the
 * current OpenTelemetry span. A type of its own, because a plain {@code Supplier<String>} bean could
 * be anything.
 */
@FunctionalInterface
public interface TraceparentSupplier extends Supplier<String> {
}
