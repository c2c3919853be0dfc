package io.herald.sdk.wire;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * Herald's one JSON-Schema component, used by the SDK's sender and by the server alike: message
 * type schemas are JSON Schema draft 2020-12, checked against the draft's meta-schema when they
 * are written, compiled once, and payloads validated with networknt's json-schema-validator.
 * Problems are worded "path: message", the path a JSON Pointer into the schema or the payload
 * ({@code (root)} for the whole document).
 */
public final class JsonSchemas {

    /** The dialect of every Herald message type schema. */
    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Schema META = REGISTRY.getSchema(SchemaLocation.of(DIALECT));

    private JsonSchemas() {
    }

    /**
     * Checks a schema against the draft 2020-12 meta-schema and that it compiles.
     *
     * @param text the schema as JSON text
     * @return the problems, each "path: message" with the path into the schema; empty when the schema is sound
     */
    public static List<String> problems(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JacksonException e) {
            return List.of("(root): is not valid JSON: " + e.getOriginalMessage());
        }
        return problems(node);
    }

    /**
     * Checks a parsed schema against the draft 2020-12 meta-schema and that it compiles.
     *
     * @param schema the schema
     * @return the problems, each "path: message"; empty when the schema is sound
     */
    public static List<String> problems(JsonNode schema) {
        if (schema == null || !(schema.isObject() || schema.isBoolean())) {
            return List.of("(root): must be a JSON Schema (an object or a boolean)");
        }
        List<String> out = describe(META.validate(schema));
        if (out.isEmpty()) {
            try {
                REGISTRY.getSchema(schema).validate(JSON.nullNode());
            } catch (RuntimeException e) {
                out.add("(root): cannot be compiled: " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * Compiles a schema for validating payloads.
     *
     * @param text the schema as JSON text
     * @return the compiled schema
     * @throws IllegalArgumentException naming the problems when the schema is not sound
     */
    public static Validator compile(String text) {
        List<String> problems = problems(text);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("not a valid JSON Schema: " + String.join("; ", problems));
        }
        try {
            return new Validator(REGISTRY.getSchema(JSON.readTree(text)));
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static List<String> describe(List<Error> errors) {
        List<String> out = new ArrayList<>();
        for (Error e : errors) {
            String at = String.valueOf(e.getInstanceLocation());
            out.add((at.isEmpty() ? "(root)" : at) + ": " + e.getMessage());
        }
        return out;
    }

    /** A compiled schema; thread-safe. */
    public static final class Validator {

        private final Schema schema;

        private Validator(Schema schema) {
            this.schema = schema;
        }

        /**
         * Validates a payload.
         *
         * @param payload the payload as JSON
         * @return the violations, each "path: message" with the path into the payload; empty when valid
         */
        public List<String> validate(JsonNode payload) {
            return describe(schema.validate(payload));
        }
    }
}
