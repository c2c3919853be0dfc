package io.herald.sdk.internal.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.herald.sdk.PayloadSerializationException;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;

/** Payload bytes: String as UTF-8, byte[] as is, anything else as JSON. */
public final class PayloadCodec {

    private final ObjectMapper mapper;

    public PayloadCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public static ObjectMapper defaultMapper() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public byte[] encode(Object payload) {
        if (payload instanceof byte[] bytes) {
            return bytes;
        }
        if (payload instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return mapper.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new PayloadSerializationException("Cannot write " + payload.getClass().getName() + " as JSON: "
                                                    + e.getOriginalMessage(), e);
        }
    }

    public static Header contentType(Object payload) {
        if (payload instanceof byte[]) {
            return WireHeaders.CONTENT_BINARY;
        }
        if (payload instanceof String) {
            return WireHeaders.CONTENT_TEXT;
        }
        return WireHeaders.CONTENT_JSON;
    }

    /** The payload as a JSON tree, for schema validation; {@code null} when the bytes are not JSON. */
    public JsonNode tree(Object payload, byte[] encoded) {
        try {
            if (payload instanceof byte[] || payload instanceof String) {
                return mapper.readTree(encoded);
            }
            return mapper.valueToTree(payload);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** A reader turning payload bytes into the given type. */
    public Reader readerFor(Type type) {
        if (type == byte[].class) {
            return bytes -> bytes;
        }
        if (type == String.class) {
            return bytes -> bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }
        JavaType javaType = mapper.getTypeFactory().constructType(type);
        ObjectReader reader = mapper.readerFor(javaType);
        return bytes -> {
            if (bytes == null) {
                return null;
            }
            try {
                return reader.readValue(bytes);
            } catch (IOException e) {
                throw new PayloadSerializationException("Cannot read the payload as " + javaType + ": "
                                                        + e.getMessage(), e);
            }
        };
    }

    /** Turns payload bytes into a listener's parameter type. */
    @FunctionalInterface
    public interface Reader {
        Object read(byte[] bytes);
    }
}
