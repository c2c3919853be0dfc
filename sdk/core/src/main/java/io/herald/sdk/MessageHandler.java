package io.herald.sdk;

/**
 * Plain-Java listener registered with {@link Herald#listen(Binding, Class, MessageHandler)}.
 * Returning normally acknowledges the message; throwing retries it with the binding's back-off
 * and finally sends it to the dead-letter topic.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface MessageHandler<T> {

    void onMessage(Message<T> message) throws Exception;
}
