package io.herald.sdk.internal.listen;

import io.herald.sdk.Message;
import io.herald.sdk.MessageHandler;
import io.herald.sdk.internal.codec.PayloadCodec;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * Calls one listener: converts the payload once per delivery, then invokes the handler for each
 * attempt.
 */
public abstract class ListenerInvoker {

    final PayloadCodec.Reader reader;
    private final String description;

    ListenerInvoker(PayloadCodec.Reader reader, String description) {
        this.reader = reader;
        this.description = description;
    }

    /** Reads the payload; throws when the record is unreadable. */
    Object convert(byte[] value) {
        return reader.read(value);
    }

    /** Whether the listener takes a {@link Message} (else only the payload). */
    abstract boolean wantsMessage();

    /**
     * Calls the listener with the payload or the message; throws what the listener threw.
     *
     * @return whether the listener consumed the message: {@code false} only when a listener method
     *         declared to return {@code boolean} / {@code Boolean} answered {@code false} (KiteQ's
     *         {@code OnMessage(msg) bool}); void methods and handlers consume by returning
     */
    abstract boolean invoke(Object payload, DeliveredMessage<Object> message) throws Exception;

    @Override
    public String toString() {
        return description;
    }

    public static ListenerInvoker forHandler(PayloadCodec codec, Class<?> payloadType, MessageHandler<?> handler) {
        @SuppressWarnings("unchecked")
        MessageHandler<Object> h = (MessageHandler<Object>) handler;
        return new ListenerInvoker(codec.readerFor(payloadType), handler.getClass().getName()) {
            boolean wantsMessage() {
                return true;
            }

            boolean invoke(Object payload, DeliveredMessage<Object> message) throws Exception {
                h.onMessage(message);
                return true;
            }
        };
    }

    /** A listener method with one parameter: the payload or a {@code Message<T>}. */
    public static ListenerInvoker forMethod(PayloadCodec codec, Object bean, Method method) {
        if (method.getParameterCount() != 1) {
            throw new IllegalArgumentException("Listener method " + method + " must take exactly one parameter: "
                                               + "the payload (POJO, String, byte[]) or Message<T>");
        }
        method.setAccessible(true);
        Type param = method.getGenericParameterTypes()[0];
        boolean message = method.getParameterTypes()[0] == Message.class;
        Type payloadType = param;
        if (message) {
            payloadType = param instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : byte[].class;
            if (!(payloadType instanceof Class<?>) && !(payloadType instanceof ParameterizedType)) {
                payloadType = byte[].class;
            }
        }
        String description = bean.getClass().getName() + "." + method.getName();
        // boolean onMessage(..): false means "not consumed", retried and finally dead-lettered as rejected
        boolean answers = method.getReturnType() == boolean.class || method.getReturnType() == Boolean.class;
        return new ListenerInvoker(codec.readerFor(payloadType), description) {
            boolean wantsMessage() {
                return message;
            }

            boolean invoke(Object payload, DeliveredMessage<Object> msg) throws Exception {
                try {
                    Object result = method.invoke(bean, message ? msg : payload);
                    return !answers || !Boolean.FALSE.equals(result);
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof Exception ex) {
                        throw ex;
                    }
                    throw e;
                }
            }
        };
    }
}
