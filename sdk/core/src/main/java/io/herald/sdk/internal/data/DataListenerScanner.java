package io.herald.sdk.internal.data;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.sdk.DataEvent;
import io.herald.sdk.DataListener;
import io.herald.sdk.Message;
import io.herald.sdk.MessageHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link DataListener} object into one handler for its data object's topic: events are
 * dispatched by type to {@code on<Method>} / {@code on<Method>_X} / {@code onBefore<Method>}; events
 * without a method are acknowledged and skipped. Every {@code on...} method must name an intercepted
 * method of the data object (for {@code onBefore...}, one that opted in to before events), or
 * registration fails naming it.
 */
public final class DataListenerScanner {

    private final ObjectMapper mapper;
    private final DataEvents events;

    public DataListenerScanner(ObjectMapper mapper, DataEvents events) {
        this.mapper = mapper;
        this.events = events;
    }

    /** What to subscribe: the topic, the group (null = app) and the handler. */
    public record Found(String topic, String group, MessageHandler<byte[]> handler) {
    }

    public Found scan(Object listener) {
        Class<?> type = listener.getClass();
        DataListener a = type.getAnnotation(DataListener.class);
        io.herald.sdk.koper.DataListener koper = type.getAnnotation(io.herald.sdk.koper.DataListener.class);
        if (a == null && koper == null) {
            throw new IllegalArgumentException(type.getName() + " is not annotated with @DataListener");
        }
        if (a != null && koper != null) {
            throw new IllegalArgumentException(type.getName() + " carries both io.herald.sdk.DataListener and"
                    + " io.herald.sdk.koper.DataListener; keep one");
        }
        Class<?> dao = a != null ? DataEvents.resolve(a.dataObject(), type.getName())
                : DataEvents.resolve(koper.dataObject(), type.getClassLoader(), type.getName());
        String group = a != null ? a.group() : koper.group();
        List<String> known = DataEvents.interceptedMethods(dao);
        List<String> knownBefore = DataEvents.beforeMethods(dao);
        Map<String, Method> byEvent = new HashMap<>();
        for (Method m : type.getMethods()) {
            String name = m.getName();
            if (!name.startsWith("on") || name.length() < 3 || !Character.isUpperCase(name.charAt(2))
                || m.getDeclaringClass() == Object.class || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            String rest = name.substring(2);
            String beforeOf = beforeOf(rest);
            if (beforeOf != null && knownBefore.contains(beforeOf) && !known.contains(decapitalize(rest))) {
                byEvent.put(DataEvents.beforeEvent(beforeOf), m);
                continue;
            }
            boolean failed = rest.endsWith(DataEvents.FAILED_SUFFIX);
            String daoMethod = decapitalize(rest.substring(0, failed ? rest.length() - 2 : rest.length()));
            if (!known.contains(daoMethod)) {
                throw new IllegalArgumentException("@DataListener " + type.getName() + "." + name + ": " + dao.getSimpleName()
                        + " has no intercepted method '" + daoMethod + "' (intercepted: " + known + (beforeOf == null ? ""
                        : knownBefore.isEmpty() ? "; no method publishes before events: opt in with @DataObject(before = ...)"
                        : "; with before events: " + knownBefore) + ")");
            }
            byEvent.put(failed ? daoMethod + DataEvents.FAILED_SUFFIX : daoMethod, m);
        }
        if (byEvent.isEmpty()) {
            throw new IllegalArgumentException("@DataListener " + type.getName() + " has no on<Method> listener method");
        }
        MessageHandler<byte[]> handler = message -> dispatch(listener, byEvent, message);
        return new Found(DataEvents.topic(dao), group.isBlank() ? null : group, handler);
    }

    /** {@code BeforeDeleteOrder} → {@code deleteOrder}; null when the name does not start with "Before" and a capital. */
    private static String beforeOf(String rest) {
        String prefix = "Before";
        if (!rest.startsWith(prefix) || rest.length() <= prefix.length() || !Character.isUpperCase(rest.charAt(prefix.length()))) {
            return null;
        }
        return decapitalize(rest.substring(prefix.length()));
    }

    private static String decapitalize(String s) {
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private void dispatch(Object listener, Map<String, Method> byEvent, Message<byte[]> message) throws Exception {
        Method m = byEvent.get(message.type());
        if (m == null) {
            return;
        }
        DataEvent event = events.read(message);
        Class<?>[] types = m.getParameterTypes();
        java.lang.reflect.Type[] generic = m.getGenericParameterTypes();
        Object[] values = new Object[types.length];
        int arg = 0;
        for (int i = 0; i < types.length; i++) {
            if (types[i] == DataEvent.class) {
                values[i] = event;
            } else {
                JsonNode node = arg < event.args().size() ? event.args().get(arg) : null;
                arg++;
                JavaType jt = mapper.getTypeFactory().constructType(generic[i]);
                values[i] = node == null || node.isNull() ? null : mapper.treeToValue(node, jt);
            }
        }
        try {
            m.setAccessible(true);
            m.invoke(listener, values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }
}
