package io.herald.sdk.internal.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.sdk.DataEvent;
import io.herald.sdk.DataEventPublisher;
import io.herald.sdk.DataEventSink;
import io.herald.sdk.DataObject;
import io.herald.sdk.Message;
import io.herald.sdk.MessageSender;
import io.herald.sdk.SendOptions;
import io.herald.sdk.internal.codec.MessageIds;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Data events: naming (data object → topic, method → event type), the JSON body
 * {@code {"dataObject","method","args":[...],"result",...,"error":{"type","message"}}} (a "before"
 * event has only the arguments), and the publishing side of an intercepted call. Spring's
 * interceptor and the plain-Java proxy both go through {@link #around}.
 */
public final class DataEvents implements DataEventPublisher {

    public static final String TOPIC_PREFIX = "data.";
    public static final String FAILED_SUFFIX = "_X";
    public static final String BEFORE_PREFIX = "before";

    /** Writes one event; {@code messageId} is the id it should carry when the sink can give it one. */
    @FunctionalInterface
    private interface Publisher {
        void publish(String topic, String type, String messageId, Object payload);
    }

    private final Publisher publisher;
    private final ObjectMapper mapper;
    private final DataEventFailures failures;

    public DataEvents(MessageSender sender, ObjectMapper mapper) {
        this(sender, mapper, DataEventFailures.LOG_ONLY);
    }

    public DataEvents(MessageSender sender, ObjectMapper mapper, DataEventFailures failures) {
        this.publisher = (topic, type, id, payload) -> sender.send(topic, type, null, payload, SendOptions.defaults().withMessageId(id));
        this.mapper = mapper;
        this.failures = failures;
    }

    public DataEvents(DataEventSink sink, ObjectMapper mapper) {
        this(sink, mapper, DataEventFailures.LOG_ONLY);
    }

    public DataEvents(DataEventSink sink, ObjectMapper mapper, DataEventFailures failures) {
        this.publisher = (topic, type, id, payload) -> sink.send(topic, type, payload);
        this.mapper = mapper;
        this.failures = failures;
    }

    /** The data object's name: {@link DataObject#name()} or the simple class name in kebab case. */
    public static String name(Class<?> type) {
        DataObject a = annotation(type);
        if (a != null && !a.name().isBlank()) {
            return a.name();
        }
        return type.getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    public static String topic(Class<?> type) {
        return TOPIC_PREFIX + name(type);
    }

    /** The annotation on the type or one of its interfaces. */
    public static DataObject annotation(Class<?> type) {
        DataObject a = type.getAnnotation(DataObject.class);
        if (a != null) {
            return a;
        }
        for (Class<?> i : type.getInterfaces()) {
            a = i.getAnnotation(DataObject.class);
            if (a != null) {
                return a;
            }
        }
        return null;
    }

    /**
     * The class or interface carrying {@link DataObject} among the type, its interfaces (and theirs)
     * and its superclasses, nearest first, or {@code null}.
     */
    public static Class<?> annotatedType(Class<?> type) {
        if (type == null || type == Object.class) {
            return null;
        }
        if (type.isAnnotationPresent(DataObject.class)) {
            return type;
        }
        for (Class<?> i : type.getInterfaces()) {
            if (i.isAnnotationPresent(DataObject.class)) {
                return i;
            }
        }
        for (Class<?> i : type.getInterfaces()) {
            Class<?> found = annotatedType(i);
            if (found != null) {
                return found;
            }
        }
        return annotatedType(type.getSuperclass());
    }

    /**
     * The data object a listener names: the {@link DataObject} type itself, or the one an
     * implementation class implements or extends (Koper names the implementation).
     *
     * @throws IllegalArgumentException naming the class when it is no data object and implements none
     */
    public static Class<?> resolve(Class<?> named, String listener) {
        Class<?> found = annotatedType(named);
        if (found == null) {
            throw new IllegalArgumentException("@DataListener " + listener + ": dataObject " + named.getName()
                    + " is not a @DataObject and implements or extends none; put @DataObject on the DAO's interface or class");
        }
        return found;
    }

    /**
     * Like {@link #resolve(Class, String)} for a fully qualified class name (Koper's
     * {@code @DataListener(dataObject = "koper.demo.dataevent.dao.impl.OrderDaoImpl")}).
     */
    public static Class<?> resolve(String className, ClassLoader loader, String listener) {
        if (className == null || className.isBlank()) {
            throw new IllegalArgumentException("@DataListener " + listener + ": dataObject is blank; name the DAO's class");
        }
        Class<?> named;
        try {
            named = Class.forName(className.trim(), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            try {
                named = context == null || context == loader ? null : Class.forName(className.trim(), false, context);
            } catch (ClassNotFoundException | LinkageError again) {
                named = null;
            }
            if (named == null) {
                throw new IllegalArgumentException("@DataListener " + listener + ": dataObject \"" + className
                        + "\" names no class on the class path (give the fully qualified name of the DAO or its implementation)");
            }
        }
        return resolve(named, listener);
    }

    /** Whether calls of the method publish events after they return or throw. */
    public static boolean intercepted(Class<?> type, String method) {
        DataObject a = annotation(type);
        return matches(a == null ? new String[] {"insert*", "update*", "delete*"} : a.methods(), method);
    }

    /** Whether calls of the method publish an event before they run ({@link DataObject#before()}, opt-in). */
    public static boolean interceptedBefore(Class<?> type, String method) {
        DataObject a = annotation(type);
        return a != null && matches(a.before(), method);
    }

    private static boolean matches(String[] patterns, String method) {
        for (String p : patterns) {
            if (Pattern.matches(Pattern.quote(p).replace("*", "\\E.*\\Q"), method)) {
                return true;
            }
        }
        return false;
    }

    /** The event type of a "before" event: {@code before<Method>}. */
    public static String beforeEvent(String method) {
        return BEFORE_PREFIX + Character.toUpperCase(method.charAt(0)) + method.substring(1);
    }

    /**
     * Publishes the "before" event of a call that is about to run. A failure to write it is counted,
     * recorded and logged ({@link DataEventFailures}), never thrown: the method runs all the same.
     */
    public void before(Class<?> type, Method method, Object[] args) {
        String event = beforeEvent(method.getName());
        publish(type, event, () -> body(type, method, args));
    }

    /**
     * Runs one intercepted call: the "before" event when the method opted in, the call, then the
     * event of its outcome when the method is intercepted. The caller always gets exactly what the
     * call did, its result or its own exception: an event that cannot be written changes neither.
     */
    @Override
    public Object around(Class<?> type, Method method, Object[] args, Invocation call) throws Throwable {
        String name = method.getName();
        if (interceptedBefore(type, name)) {
            before(type, method, args);
        }
        if (!intercepted(type, name)) {
            return call.proceed();
        }
        Object result;
        try {
            result = call.proceed();
        } catch (Throwable t) {
            published(type, method, args, null, t);
            throw t;
        }
        published(type, method, args, result, null);
        return result;
    }

    private void publish(Class<?> type, String event, java.util.function.Supplier<ObjectNode> body) {
        String topic = topic(type);
        String id = new String(MessageIds.next(System.currentTimeMillis()), StandardCharsets.ISO_8859_1);
        try {
            publisher.publish(topic, event, id, body.get());
        } catch (RuntimeException | LinkageError e) {
            failures.failed(type, topic, event, id, e);
        }
    }

    /** Whether the method publishes any event (before, after or on failure). */
    public static boolean publishes(Class<?> type, String method) {
        return intercepted(type, method) || interceptedBefore(type, method);
    }

    private ObjectNode body(Class<?> type, Method method, Object[] args) {
        ObjectNode body = mapper.createObjectNode();
        body.put("dataObject", name(type));
        body.put("method", method.getName());
        ArrayNode array = body.putArray("args");
        if (args != null) {
            for (Object a : args) {
                array.add(mapper.valueToTree(a));
            }
        }
        return body;
    }

    /**
     * Publishes the event of one call (synchronously). A failure to write it is counted, recorded and
     * logged ({@link DataEventFailures}), never thrown: the call's outcome stays the caller's.
     */
    public void published(Class<?> type, Method method, Object[] args, Object result, Throwable error) {
        String event = error == null ? method.getName() : method.getName() + FAILED_SUFFIX;
        publish(type, event, () -> {
            ObjectNode body = body(type, method, args);
            if (error == null) {
                body.set("result", method.getReturnType() == void.class ? null : mapper.valueToTree(result));
            } else {
                ObjectNode e = body.putObject("error");
                e.put("type", error.getClass().getName());
                e.put("message", error.getMessage());
            }
            return body;
        });
    }

    /** A JDK proxy of {@code target} publishing the events of its intercepted methods. */
    @SuppressWarnings("unchecked")
    public <T> T proxy(Class<T> iface, T target) {
        if (!iface.isInterface()) {
            throw new IllegalArgumentException(iface.getName() + " is not an interface (Spring's starter wraps classes)");
        }
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class || !publishes(iface, method.getName())) {
                return invoke(method, target, args);
            }
            return around(iface, method, args, () -> invoke(method, target, args));
        };
        return (T) Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, handler);
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Reads a received data event. */
    public DataEvent read(Message<byte[]> message) throws java.io.IOException {
        JsonNode body = mapper.readTree(message.payload());
        List<JsonNode> args = new ArrayList<>();
        body.path("args").forEach(args::add);
        JsonNode error = body.get("error");
        JsonNode result = body.get("result");
        return new DataEvent(body.path("dataObject").asText(), body.path("method").asText(), message.type(), List.copyOf(args),
                result == null || result.isNull() ? null : result, error == null ? null : error.path("type").asText(),
                error == null ? null : error.path("message").asText(null), message.id());
    }

    /**
     * The event types calls of a data object publish: {@code <method>} and {@code <method>_X} for
     * every intercepted public method, {@code before<Method>} for every one that opted in, of the
     * {@code @DataObject} type and of the classes implementing it that are intercepted (sorted).
     */
    public static List<String> eventTypes(Class<?> dataObject, Class<?>... implementations) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        List<Class<?>> types = new ArrayList<>();
        types.add(dataObject);
        types.addAll(List.of(implementations));
        for (Class<?> t : types) {
            for (Method m : t.getMethods()) {
                if (!Modifier.isPublic(m.getModifiers()) || m.getDeclaringClass() == Object.class || m.isSynthetic()
                    || m.isBridge() || Modifier.isStatic(m.getModifiers())) {
                    continue;
                }
                if (intercepted(dataObject, m.getName())) {
                    out.add(m.getName());
                    out.add(m.getName() + FAILED_SUFFIX);
                }
                if (interceptedBefore(dataObject, m.getName())) {
                    out.add(beforeEvent(m.getName()));
                }
            }
        }
        return List.copyOf(out);
    }

    /** The public methods of a DAO type that publish events after they return or throw. */
    public static List<String> interceptedMethods(Class<?> type) {
        List<String> out = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && m.getDeclaringClass() != Object.class && intercepted(type, m.getName())) {
                out.add(m.getName());
            }
        }
        return out;
    }

    /** The public methods of a DAO type that publish an event before they run. */
    public static List<String> beforeMethods(Class<?> type) {
        List<String> out = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && m.getDeclaringClass() != Object.class && interceptedBefore(type, m.getName())) {
                out.add(m.getName());
            }
        }
        return out;
    }
}
