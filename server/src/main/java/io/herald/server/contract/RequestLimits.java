package io.herald.server.contract;

import io.herald.server.common.Violations;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;
import tools.jackson.databind.JsonNode;

/**
 * Every string of every JSON body of the management API has a maximum length, no string may hold
 * the NUL character (PostgreSQL cannot store it) and no list a {@code null} entry: checked here, in one place, right after the
 * body is read and before any service sees it, so a 1 MB description is answered 422 naming the
 * field instead of being stored and breaking the pages that show it. The limits are
 * {@link RequestRules}' {@code maxLength}s, the same numbers the OpenAPI document shows; list
 * fields have a most-elements limit there too.
 */
@RestControllerAdvice(annotations = RestController.class)
@Order(0)
class RequestLimits extends RequestBodyAdviceAdapter {

    @Override
    public boolean supports(MethodParameter parameter, Type targetType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object afterBodyRead(Object body, HttpInputMessage inputMessage, MethodParameter parameter, Type targetType,
                                Class<? extends HttpMessageConverter<?>> converterType) {
        check(body);
        return body;
    }

    /** Throws a 422 {@code ValidationException} naming every field over its limit or holding a NUL. */
    static void check(Object body) {
        Violations v = new Violations();
        object(v, "", body, 0);
        v.throwIfAny();
    }

    private static void object(Violations v, String path, Object value, int depth) {
        if (value == null || !value.getClass().isRecord() || depth > 8) {
            return;
        }
        String schema = value.getClass().getSimpleName();
        for (RecordComponent c : value.getClass().getRecordComponents()) {
            String field = path.isEmpty() ? c.getName() : path + "." + c.getName();
            Object fieldValue;
            try {
                c.getAccessor().setAccessible(true);
                fieldValue = c.getAccessor().invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + schema + "." + c.getName(), e);
            }
            value(v, field, fieldValue, RequestRules.maxLength(schema, c.getName()), schema, c.getName(), depth);
        }
    }

    private static void value(Violations v, String field, Object value, Integer maxLength, String schema, String property,
                              int depth) {
        if (value instanceof String s) {
            string(v, field, s, maxLength);
        } else if (value instanceof JsonNode json) {
            if (containsNul(json)) {
                v.add(field, "must not contain the NUL character (\\u0000)");
            } else if (maxLength != null && json.toString().length() > maxLength) {
                v.add(field, "must be at most " + maxLength + " characters as JSON");
            }
        } else if (value instanceof Collection<?> list) {
            Integer maxItems = RequestRules.maxItems(schema, property);
            if (maxItems != null && list.size() > maxItems) {
                v.add(field, "may hold at most " + maxItems + " entries");
                return;
            }
            Integer itemMaxLength = RequestRules.itemMaxLength(schema, property);
            int i = 0;
            for (Object element : list) {
                String at = field + "[" + i++ + "]";
                if (element == null) {
                    v.add(at, "must not be null");
                } else if (element instanceof String s) {
                    string(v, at, s, itemMaxLength);
                } else {
                    object(v, at, element, depth + 1);
                }
            }
        } else if (value != null && value.getClass().isRecord()) {
            object(v, field, value, depth + 1);
        }
    }

    private static void string(Violations v, String field, String s, Integer maxLength) {
        if (s.indexOf('\0') >= 0) {
            v.add(field, "must not contain the NUL character (\\u0000)");
        } else if (maxLength != null && s.length() > maxLength) {
            v.add(field, "must be at most " + maxLength + " characters");
        }
    }

    private static boolean containsNul(JsonNode node) {
        if (node.isString()) {
            return node.asString().indexOf('\0') >= 0;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getKey().indexOf('\0') >= 0 || containsNul(e.getValue())) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (Iterator<JsonNode> it = node.values().iterator(); it.hasNext(); ) {
                if (containsNul(it.next())) {
                    return true;
                }
            }
        }
        return false;
    }
}
