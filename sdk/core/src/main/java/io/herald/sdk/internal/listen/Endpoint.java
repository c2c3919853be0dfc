package io.herald.sdk.internal.listen;

import io.herald.sdk.Binding;
import io.herald.sdk.internal.metrics.HeraldMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A listener endpoint: a code-declared binding plus the listener to call. The {@code @Listen}
 * scanner and plain-Java registration both produce these; the registry owns their life cycle.
 */
public final class Endpoint {

    public enum Registration { PENDING, DONE, REJECTED,
        /** The control plane refused it with 403 (a RESTRICTED topic that does not grant the app): never consumed. */
        FORBIDDEN }

    private final Binding declared;
    private final String group;
    private final ListenerInvoker invoker;
    private final Map<String, HeraldMetrics.ConsumeMeters> meters = new ConcurrentHashMap<>();
    private volatile EffectiveBinding effective;
    volatile Long bindingId;
    volatile Registration registration = Registration.PENDING;
    /** Config version applied when the registration succeeded: only a newer snapshot can prove a removal. */
    volatile long registeredAtVersion = Long.MAX_VALUE;

    public Endpoint(Binding declared, String group, ListenerInvoker invoker) {
        this.declared = declared;
        this.group = group;
        this.invoker = invoker;
    }

    public Binding declared() {
        return declared;
    }

    public String group() {
        return group;
    }

    public String topic() {
        return declared.topic();
    }

    public ListenerInvoker invoker() {
        return invoker;
    }

    /** The settings in force, or {@code null} when the control plane removed the binding. */
    public EffectiveBinding effective() {
        return effective;
    }

    void effective(EffectiveBinding effective) {
        this.effective = effective;
    }

    /** The control plane's id of the binding this endpoint runs under, once known. */
    public Long bindingId() {
        return bindingId;
    }

    public Registration registration() {
        return registration;
    }

    public void registered(Long id, long appliedVersion) {
        if (id != null) {
            bindingId = id;
        }
        registeredAtVersion = appliedVersion;
        registration = Registration.DONE;
    }

    public void rejected() {
        registration = Registration.REJECTED;
    }

    public void forbidden() {
        registration = Registration.FORBIDDEN;
    }

    /** The ids this listener handled, for its binding's dedupe window; made on the first use. */
    private volatile DedupeStore dedupe;
    /** Whether the first dropped duplicate was logged at INFO (the others go to DEBUG). */
    volatile boolean duplicateLogged;

    DedupeStore dedupe(int maxIds) {
        DedupeStore d = dedupe;
        if (d == null) {
            synchronized (this) {
                d = dedupe;
                if (d == null) {
                    d = dedupe = new DedupeStore(maxIds);
                }
            }
        }
        return d;
    }

    HeraldMetrics.ConsumeMeters meters(HeraldMetrics metrics, String type) {
        TypeMeters last = lastMeters;
        if (last != null && last.type == type) { // the dispatcher hands the same String for a repeated type
            return last.meters;
        }
        HeraldMetrics.ConsumeMeters m = meters.get(type);
        if (m == null) {
            m = meters.computeIfAbsent(type, t -> metrics.consume(declared.topic(), t, group));
        }
        lastMeters = new TypeMeters(type, m);
        return m;
    }

    /** The meters used last (racy on purpose: a reader checks the type). */
    private TypeMeters lastMeters;

    private record TypeMeters(String type, HeraldMetrics.ConsumeMeters meters) {
    }

    @Override
    public String toString() {
        return declared.kind() + " " + group + "/" + declared.topic()
               + (declared.typePattern().isEmpty() ? "" : " [" + declared.typePattern() + "]") + " -> " + invoker;
    }
}
