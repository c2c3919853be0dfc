package io.herald.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a listener. On a method, that method receives the messages; on a class, its method named
 * {@code onMessage} does. The listener method takes one parameter: the payload as a POJO (read
 * from JSON), {@code String}, {@code byte[]}, or a {@link Message Message&lt;T&gt;} for the
 * payload plus id, type, key, headers, partition, offset and timestamps. It returns {@code void}, or
 * {@code boolean} / {@code Boolean} as KiteQ's {@code OnMessage(msg) bool}: {@code false} means "not
 * consumed", retried under the binding's back-off and delivery limit like a thrown exception and
 * finally dead-lettered with reason {@code rejected}.
 *
 * <pre>{@code
 * @Listen(topic = "trade", type = "pay-succ", group = "billing")
 * void onPaid(Payment payment) { ... }
 *
 * @Listen(topic = "trade", pattern = "pay-.*")
 * class PaymentAudit { public void onMessage(Message<String> m) { ... } }
 * }</pre>
 *
 * Give {@link #type()} for a DIRECT binding, {@link #pattern()} for a REGEX binding, neither for
 * FANOUT. Numeric settings left at -1 take the {@code herald.consumer.*} defaults (when only some
 * of the three back-off attributes are given, the others are 1000 ms, 2.0 and 30000 ms). The Spring Boot
 * starter finds these on beans (and resolves {@code ${...}} placeholders); in plain Java pass the
 * object to {@link Herald#register(Object)}.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Listen {

    /** The topic. */
    String topic();

    /** The exact message type (DIRECT binding). */
    String type() default "";

    /** A regular expression on the message type (REGEX binding). */
    String pattern() default "";

    /** The consumer group; empty = the app name. */
    String group() default "";

    /** Attempts before dead-lettering; 0 = default; -1 ({@link Binding#UNLIMITED}) = retry for ever. */
    int deliveryLimit() default 0;

    /** Wait before the first retry in milliseconds; -1 = default. */
    long backoffMillis() default -1;

    /** Back-off growth factor; -1 = default. */
    double backoffMultiplier() default -1;

    /** Longest wait between retries in milliseconds; -1 = default. */
    long backoffMaxMillis() default -1;

    /** Messages older than this many milliseconds are dead-lettered as expired; -1 = never. */
    long expiryMillis() default -1;

    /** Consumer threads in this instance; -1 = default. */
    int concurrency() default -1;

    /**
     * Drop a message whose id ({@code ce_id}) this instance already handled for the group within
     * this many milliseconds (at most 24 hours); 0 = off. See {@link Binding#withDedupeWindow}.
     */
    long dedupeWindowMillis() default 0;
}
