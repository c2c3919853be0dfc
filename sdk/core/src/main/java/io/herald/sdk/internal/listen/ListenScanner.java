package io.herald.sdk.internal.listen;

import io.herald.sdk.Binding;
import io.herald.sdk.Listen;
import io.herald.sdk.internal.codec.PayloadCodec;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Turns {@link Listen @Listen} annotations into endpoint descriptions (binding + invoker); it
 * starts nothing. Used by {@code Herald.register} and by the Spring starter.
 */
public final class ListenScanner {

    private final PayloadCodec codec;

    public ListenScanner(PayloadCodec codec) {
        this.codec = codec;
    }

    public record Found(Binding binding, ListenerInvoker invoker) {
    }

    /** Whether the class (or a superclass) carries {@code @Listen} on the type or a method. */
    public static boolean hasListeners(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (c.isAnnotationPresent(Listen.class)) {
                return true;
            }
            for (Method m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(Listen.class)) {
                    return true;
                }
            }
        }
        return false;
    }

    public List<Found> scan(Object bean, UnaryOperator<String> resolver) {
        List<Found> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Class<?> c = bean.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                Listen listen = m.getAnnotation(Listen.class);
                if (listen != null && !m.isBridge() && seen.add(m.getName() + List.of(m.getParameterTypes()))) {
                    found.add(new Found(binding(listen, resolver, m.toString()), ListenerInvoker.forMethod(codec, bean, m)));
                }
            }
            Listen onType = c.getAnnotation(Listen.class);
            if (onType != null) {
                Method onMessage = onMessage(c);
                found.add(new Found(binding(onType, resolver, c.getName()), ListenerInvoker.forMethod(codec, bean, onMessage)));
            }
        }
        return found;
    }

    private static Method onMessage(Class<?> c) {
        Method candidate = null;
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                if (m.getName().equals("onMessage") && m.getParameterCount() == 1 && !m.isBridge()
                    && !Modifier.isStatic(m.getModifiers())) {
                    if (candidate != null && candidate.getDeclaringClass() == k) {
                        throw new IllegalArgumentException(c.getName() + " has several onMessage(..) methods; keep one");
                    }
                    if (candidate == null) {
                        candidate = m;
                    }
                }
            }
        }
        if (candidate == null) {
            throw new IllegalArgumentException("@Listen class " + c.getName()
                                               + " needs a method onMessage(payload) or onMessage(Message<T>)");
        }
        return candidate;
    }

    static Binding binding(Listen listen, UnaryOperator<String> resolver, String where) {
        String topic = resolver.apply(listen.topic());
        String type = resolver.apply(listen.type());
        String pattern = resolver.apply(listen.pattern());
        String group = resolver.apply(listen.group());
        if (!type.isEmpty() && !pattern.isEmpty()) {
            throw new IllegalArgumentException("@Listen on " + where + ": give type (DIRECT) or pattern (REGEX), not both");
        }
        Binding b = !type.isEmpty() ? Binding.direct(topic, type)
                : !pattern.isEmpty() ? Binding.regex(topic, pattern) : Binding.fanout(topic);
        if (!group.isEmpty()) {
            b = b.withGroup(group);
        }
        if (listen.deliveryLimit() != 0) {
            b = b.withDeliveryLimit(listen.deliveryLimit());
        }
        if (listen.backoffMillis() >= 0 || listen.backoffMultiplier() >= 1 || listen.backoffMaxMillis() >= 0) {
            long initial = listen.backoffMillis() >= 0 ? listen.backoffMillis() : 1_000;
            double multiplier = listen.backoffMultiplier() >= 1 ? listen.backoffMultiplier() : 2.0;
            long max = listen.backoffMaxMillis() >= 0 ? listen.backoffMaxMillis() : Math.max(initial, 30_000);
            b = b.withBackoff(Duration.ofMillis(initial), multiplier, Duration.ofMillis(max));
        }
        if (listen.expiryMillis() > 0) {
            b = b.withExpiry(Duration.ofMillis(listen.expiryMillis()));
        }
        if (listen.concurrency() > 0) {
            b = b.withConcurrency(listen.concurrency());
        }
        if (listen.dedupeWindowMillis() < 0) {
            throw new IllegalArgumentException("@Listen on " + where + ": dedupeWindowMillis must be 0 (off) or positive, was "
                    + listen.dedupeWindowMillis());
        }
        if (listen.dedupeWindowMillis() > 0) {
            b = b.withDedupeWindow(Duration.ofMillis(listen.dedupeWindowMillis()));
        }
        return b;
    }
}
