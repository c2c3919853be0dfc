package io.herald.server.support;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every endpoint of the REST API that reads a JSON body, found from the mappings Spring MVC has
 * registered (so a new endpoint is covered without touching the tests that use this), and the
 * objects nested inside each body type.
 */
public final class RequestBodies {

    private RequestBodies() {
    }

    /** One endpoint and the type its {@code @RequestBody} is read into. */
    public record Endpoint(String method, String pattern, Class<?> bodyType) {

        /** The pattern with every path variable filled in, relative to {@code /api/v1}. */
        public String path() {
            return pattern.replaceFirst("^/api/v1", "").replaceAll("\\{[^/]+}", "1");
        }

        @Override
        public String toString() {
            return method + " " + pattern + " (" + bodyType.getSimpleName() + ")";
        }
    }

    public static List<Endpoint> endpoints(RequestMappingHandlerMapping mappings) {
        Map<String, Endpoint> found = new TreeMap<>();
        mappings.getHandlerMethods().forEach((info, handler) -> {
            if (!AnnotatedElementUtils.hasAnnotation(handler.getBeanType(), RestController.class)) {
                return;
            }
            for (MethodParameter p : handler.getMethodParameters()) {
                if (p.hasParameterAnnotation(RequestBody.class)) {
                    for (String pattern : info.getPatternValues()) {
                        info.getMethodsCondition().getMethods().forEach(m -> {
                            Endpoint e = new Endpoint(m.name(), pattern, p.getParameterType());
                            found.put(e.toString(), e);
                        });
                    }
                }
            }
        });
        return new ArrayList<>(found.values());
    }

    /**
     * The objects a body type holds, by their path in a body ({@code ""} for the body itself,
     * {@code types[0]}, {@code target}), each with its type.
     */
    public static Map<String, Class<?>> objects(Class<?> bodyType) {
        Map<String, Class<?>> objects = new LinkedHashMap<>();
        collect("", bodyType, objects, 0);
        return objects;
    }

    private static void collect(String path, Class<?> type, Map<String, Class<?>> into, int depth) {
        into.put(path, type);
        if (!type.isRecord() || depth > 4) {
            return;
        }
        for (RecordComponent c : type.getRecordComponents()) {
            String name = path.isEmpty() ? c.getName() : path + "." + c.getName();
            if (c.getType().isRecord()) {
                collect(name, c.getType(), into, depth + 1);
            } else if (Collection.class.isAssignableFrom(c.getType()) && element(c.getGenericType()) instanceof Class<?> e
                    && e.isRecord()) {
                collect(name + "[0]", e, into, depth + 1);
            }
        }
    }

    /**
     * The fields a JSON object for {@code type} cannot leave out (a record's primitive components, which
     * have no "absent"), each with a zero value.
     */
    public static Map<String, Object> required(Class<?> type) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (type.isRecord()) {
            for (RecordComponent c : type.getRecordComponents()) {
                if (c.getType() == boolean.class) {
                    fields.put(c.getName(), false);
                } else if (c.getType().isPrimitive()) {
                    fields.put(c.getName(), 0);
                }
            }
        }
        return fields;
    }

    /** The element type of a {@code List<T>}, or {@code null}. */
    public static Type element(Type listType) {
        return listType instanceof ParameterizedType pt && pt.getActualTypeArguments().length == 1
                ? pt.getActualTypeArguments()[0] : null;
    }

    /**
     * A body holding {@code value} under {@code field} at {@code path}: {@code nest("types[0]", "x", 1)}
     * is {@code {"types":[{"x":1}]}}.
     */
    public static Map<String, Object> nest(String path, String field, Object value) {
        return nest(path, new LinkedHashMap<>(Map.of(field, value)));
    }

    /** A body holding the object {@code leaf} at {@code path}. */
    public static Map<String, Object> nest(String path, Map<String, Object> leaf) {
        if (path.isEmpty()) {
            return leaf;
        }
        Object inner = leaf;
        String[] parts = path.split("\\.");
        for (int i = parts.length - 1; i >= 0; i--) {
            String part = parts[i];
            Map<String, Object> outer = new LinkedHashMap<>();
            if (part.endsWith("[0]")) {
                outer.put(part.substring(0, part.length() - 3), List.of(inner));
            } else {
                outer.put(part, inner);
            }
            inner = outer;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) inner;
        return body;
    }
}
