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

    /** Calls the listener with the payload or the message; throws what the listener threw. */
    abstract void invoke(Object payload, DeliveredMessage<Object> message) throws Exception;

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

            void invoke(Object payload, DeliveredMessage<Object> message) throws Exception {
                h.onMessage(message);
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
        return new ListenerInvoker(codec.readerFor(payloadType), description) {
            boolean wantsMessage() {
                return message;
            }

            void invoke(Object payload, DeliveredMessage<Object> msg) throws Exception {
                try {
                    method.invoke(bean, message ? msg : payload);
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
