package io.herald.server.common;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.bean.BeanDeserializerBase;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * How the management API reads JSON, in one place (the application's {@code JsonMapper}, which Spring
 * MVC uses for every {@code @RequestBody}): a field the resource does not have is refused (400 naming
 * each, with the fields it does have) instead of being dropped; a value of the wrong JSON type is
 * refused instead of being coerced ({@code "name":12345}, {@code "partitions":"6"}, {@code 1.5} into a
 * whole number, {@code 1} into a boolean); a property given twice is refused instead of the last one
 * winning. Jackson 3 ignores unknown properties by default, so without this a misspelt or unsupported
 * setting ({@code "watermark"}) was answered 200 and silently did nothing.
 *
 * <p>The SDK's own wire types that must stay readable across versions ({@code Heartbeat}) say so
 * with {@code @JsonIgnoreProperties(ignoreUnknown = true)}.
 */
@Configuration(proxyBeanMethods = false)
public class StrictJson {

    /** Context attribute holding the unknown fields met while one request body is read. */
    private static final Object UNKNOWN = new Object();

    @Bean
    JsonMapperBuilderCustomizer strictRequestBodies() {
        return builder -> builder
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Integer, c -> c
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Float, c -> c
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Boolean, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
                .addHandler(new CollectUnknown())
                .addModule(new SimpleModule("herald-strict-json").setDeserializerModifier(new ReportUnknown()));
    }

    /**
     * Every unknown field of a request body, named by its path ({@code types[0].color}); the detail
     * reads {@code binding: unknown field 'watermark'}.
     */
    public static final class UnknownFieldsException extends DatabindException {

        private final String resource;
        private final List<Unknown> fields;

        UnknownFieldsException(JsonParser p, Class<?> root, List<Unknown> fields) {
            super(p, describe(resourceName(root), fields));
            this.resource = resourceName(root);
            this.fields = List.copyOf(fields);
        }

        /** The resource the body describes, as the API names it ({@code binding}, {@code producer settings}). */
        public String resource() {
            return resource;
        }

        public List<Unknown> fields() {
            return fields;
        }

        /** The body's detail without Jackson's location suffix. */
        public String detail() {
            return describe(resource, fields);
        }

        private static String describe(String resource, List<Unknown> fields) {
            return resource + ": unknown field" + (fields.size() > 1 ? "s " : " ")
                    + fields.stream().map(f -> "'" + f.path() + "'").collect(Collectors.joining(", "));
        }

        /** {@code BindingRequest} → {@code binding}, {@code ProducerSettings} → {@code producer settings}. */
        static String resourceName(Class<?> type) {
            String name = type.getSimpleName().replaceAll("(Request|Body)$", "");
            return name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
        }
    }

    /** One unknown field: its path in the body and the fields its object does have. */
    public record Unknown(String path, List<String> known) {
    }

    /** What one request body's reading has met so far: the unknown fields, and the path of each object being read. */
    private static final class Reading {
        final List<Unknown> unknown = new ArrayList<>();
        final java.util.Deque<String> objects = new java.util.ArrayDeque<>();
    }

    /**
     * Notes an unknown field and skips its value, while the outermost object of the body is being read.
     * (A record's unknown properties are replayed from a buffer after its creator ran, so the parser
     * here may not know where in the body it is: the path comes from the objects being read.)
     */
    private static final class CollectUnknown extends DeserializationProblemHandler {
        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, ValueDeserializer<?> deserializer,
                                             Object beanOrClass, String propertyName) {
            if (!(ctxt.getAttribute(UNKNOWN) instanceof Reading reading)) {
                return false;
            }
            List<String> known = new ArrayList<>();
            Collection<Object> names = deserializer == null ? null : deserializer.getKnownPropertyNames();
            if (names != null) {
                names.forEach(n -> known.add(String.valueOf(n)));
            }
            String object = reading.objects.isEmpty() ? "" : reading.objects.peek();
            reading.unknown.add(new Unknown(object.isEmpty() ? propertyName : object + "." + propertyName, known));
            p.skipChildren();
            return true;
        }
    }

    /**
     * The JSON path of the parser's current property or element, such as {@code types[0].name}, or
     * {@code null} at the top level.
     */
    public static String path(TokenStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add(0, "[" + Math.max(c.getCurrentIndex(), 0) + "]");
            } else if (c.currentName() != null) {
                parts.add(0, c.currentName());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String part : parts) {
            if (b.length() > 0 && !part.startsWith("[")) {
                b.append('.');
            }
            b.append(part);
        }
        return b.length() == 0 ? null : b.toString();
    }

    /** Wraps bean deserializers so that the outermost one reports every unknown field together. */
    private static final class ReportUnknown extends ValueDeserializerModifier {
        @Override
        public ValueDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription.Supplier beanDesc,
                                                       ValueDeserializer<?> deserializer) {
            return deserializer instanceof BeanDeserializerBase ? new Outermost(deserializer) : deserializer;
        }
    }

    private static final class Outermost extends DelegatingDeserializer {

        Outermost(ValueDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> newDelegatee) {
            return new Outermost(newDelegatee);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) {
            Reading reading = ctxt.getAttribute(UNKNOWN) instanceof Reading r ? r : null;
            boolean outermost = reading == null;
            if (outermost) {
                reading = new Reading();
                ctxt.setAttribute(UNKNOWN, reading);
            }
            TokenStreamContext here = p.streamReadContext();
            String at = path(p.currentToken() == tools.jackson.core.JsonToken.START_OBJECT && here != null ? here.getParent() : here);
            reading.objects.push(at == null ? "" : at);
            try {
                Object value = _delegatee.deserialize(p, ctxt);
                if (outermost && !reading.unknown.isEmpty()) {
                    throw new UnknownFieldsException(p, handledType(), reading.unknown);
                }
                return value;
            } finally {
                reading.objects.pop();
                if (outermost) {
                    ctxt.setAttribute(UNKNOWN, null);
                }
            }
        }

        @Override
        public Class<?> handledType() {
            return _delegatee.handledType();
        }
    }
}
