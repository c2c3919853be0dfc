package io.herald.sdk;

/**
 * Where data events go. By default Herald's {@link MessageSender} sends them at once; the outbox
 * module's {@code Outbox.dataEventSink()} writes them into the DAO's own database transaction
 * instead, so they are published only when it commits. In Spring, a bean of this type replaces the
 * default for every {@link DataObject} bean.
 */
@FunctionalInterface
public interface DataEventSink {

    /**
     * @param topic   {@code data.<name>}
     * @param type    the method, or {@code <method>_X}
     * @param payload the event body (a Jackson tree)
     */
    void send(String topic, String type, Object payload);
}
