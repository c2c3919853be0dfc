package io.herald.server.catalog;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Whether a message type's new JSON Schema keeps its consumers working, by the type's mode:
 * {@code BACKWARD} — the new schema reads data written with the previous one (only optional
 * fields added, no required field removed, no type or constraint narrowed); {@code FORWARD} — the
 * previous schema reads data written with the new one; {@code FULL} — both; {@code NONE} — any
 * change. The check walks objects ({@code properties}, {@code required},
 * {@code additionalProperties}), arrays ({@code items}), {@code type}, {@code enum}, {@code const}
 * and the numeric, length and count bounds; each break names the path into the payload
 * ({@code /customer/email}, {@code /lines/[]/sku}) and why.
 */
public final class SchemaCompatibility {

    /** The compatibility modes, as stored and as the API names them. */
    public enum Mode { NONE, BACKWARD, FORWARD, FULL }

    /** One change that breaks the mode: where in the payload, and why. */
    public record Break(String path, String reason) {
        @Override
        public String toString() {
            return path + ": " + reason;
        }
    }

    private SchemaCompatibility() {
    }

    /**
     * The changes from {@code previous} to {@code next} that break {@code mode}; empty when none
     * does. A missing schema is the schema {@code true} (accepts anything).
     */
    public static List<Break> breaks(Mode mode, JsonNode previous, JsonNode next) {
        Set<Break> out = new LinkedHashSet<>();
        if (mode == Mode.BACKWARD || mode == Mode.FULL) {
            // the new schema is the reader of data the previous one let through
            compare(next, previous, "", Direction.BACKWARD, out);
        }
        if (mode == Mode.FORWARD || mode == Mode.FULL) {
            compare(previous, next, "", Direction.FORWARD, out);
        }
        return List.copyOf(out);
    }

    /** Which way a check runs, for the wording: who reads, who wrote. */
    private enum Direction {
        BACKWARD("the new schema", "the previous version"),
        FORWARD("consumers on the previous version", "the new schema");

        final String reader;
        final String writer;

        Direction(String reader, String writer) {
            this.reader = reader;
            this.writer = writer;
        }
    }

    /** Adds why {@code reader} cannot read every value {@code writer} accepts. */
    private static void compare(JsonNode reader, JsonNode writer, String path, Direction d, Set<Break> out) {
        String at = path.isEmpty() ? "(root)" : path;
        if (isFalse(writer) || isTrue(reader)) {
            return;
        }
        if (isFalse(reader)) {
            out.add(new Break(at, "accepts nothing now, where " + d.writer + " accepted values"));
            return;
        }
        reader = object(reader);
        writer = object(writer);

        Set<String> readerTypes = types(reader);
        Set<String> writerTypes = types(writer);
        if (readerTypes != null) {
            if (writerTypes == null) {
                out.add(new Break(at, "type narrowed to " + readerTypes + " from any type"));
            } else {
                List<String> lost = new ArrayList<>();
                for (String t : writerTypes) {
                    if (!readerTypes.contains(t) && !(t.equals("integer") && readerTypes.contains("number"))) {
                        lost.add(t);
                    }
                }
                if (!lost.isEmpty()) {
                    out.add(new Break(at, "type narrowed from " + writerTypes + " to " + readerTypes + ": " + d.writer
                            + " allows " + String.join(", ", lost) + ", which " + d.reader + " refuses"));
                }
            }
        }
        values(reader, writer, at, d, out);
        bound(reader, writer, "minimum", true, at, d, out);
        bound(reader, writer, "exclusiveMinimum", true, at, d, out);
        bound(reader, writer, "maximum", false, at, d, out);
        bound(reader, writer, "exclusiveMaximum", false, at, d, out);
        bound(reader, writer, "minLength", true, at, d, out);
        bound(reader, writer, "maxLength", false, at, d, out);
        bound(reader, writer, "minItems", true, at, d, out);
        bound(reader, writer, "maxItems", false, at, d, out);
        bound(reader, writer, "minProperties", true, at, d, out);
        bound(reader, writer, "maxProperties", false, at, d, out);
        if (reader.has("pattern") && !reader.get("pattern").equals(writer.get("pattern"))) {
            out.add(new Break(at, "pattern " + (writer.has("pattern") ? "changed from '" + writer.get("pattern").asString() + "' " : "added ")
                    + "to '" + reader.get("pattern").asString() + "'"));
        }
        if (reader.has("format") && !reader.get("format").equals(writer.get("format"))) {
            out.add(new Break(at, "format " + (writer.has("format") ? "changed from '" + writer.get("format").asString() + "' " : "added ")
                    + "to '" + reader.get("format").asString() + "'"));
        }
        objects(reader, writer, path, d, out);
        if (reader.has("items") || writer.has("items")) {
            compare(reader.has("items") ? reader.get("items") : JsonNodes.TRUE, writer.has("items") ? writer.get("items") : JsonNodes.TRUE,
                    path + "/[]", d, out);
        }
    }

    private static void objects(JsonNode reader, JsonNode writer, String path, Direction d, Set<Break> out) {
        JsonNode rp = reader.path("properties");
        JsonNode wp = writer.path("properties");
        Set<String> readerRequired = strings(reader.path("required"));
        Set<String> writerRequired = strings(writer.path("required"));
        for (String name : readerRequired) {
            if (!writerRequired.contains(name)) {
                String how = wp.has(name) ? "optional" : "absent";
                out.add(new Break(path + "/" + name, d == Direction.BACKWARD
                        ? "added as required; data written with the previous version may lack it (it was " + how + ")"
                        : "required by the previous version but " + how + " in the new schema; its consumers need it"));
            }
        }
        if (d == Direction.BACKWARD) {
            for (String name : writerRequired) {
                if (!rp.has(name) && !readerRequired.contains(name) && wp.has(name)) {
                    out.add(new Break(path + "/" + name, "removed; it was required"));
                }
            }
        }
        JsonNode additional = reader.get("additionalProperties");
        boolean closed = additional != null && isFalse(additional);
        for (var e : wp.properties()) {
            String name = e.getKey();
            if (rp.has(name)) {
                compare(rp.get(name), e.getValue(), path + "/" + name, d, out);
            } else if (closed) {
                out.add(new Break(path + "/" + name, d.reader + " refuses this property (additionalProperties: false)"
                        + " that " + d.writer + " allows"));
            } else if (additional != null && additional.isObject()) {
                compare(additional, e.getValue(), path + "/" + name, d, out);
            }
        }
        if (closed && !isFalse(writer.get("additionalProperties"))) {
            out.add(new Break(path.isEmpty() ? "(root)" : path, "additionalProperties: false now, where "
                    + d.writer + " allowed other properties"));
        }
    }

    private static void values(JsonNode reader, JsonNode writer, String at, Direction d, Set<Break> out) {
        Set<JsonNode> readerValues = enumOf(reader);
        if (readerValues == null) {
            return;
        }
        Set<JsonNode> writerValues = enumOf(writer);
        if (writerValues == null) {
            out.add(new Break(at, "values restricted to " + readerValues + " where " + d.writer + " allowed any"));
            return;
        }
        List<String> lost = new ArrayList<>();
        for (JsonNode v : writerValues) {
            if (!readerValues.contains(v)) {
                lost.add(v.toString());
            }
        }
        if (!lost.isEmpty()) {
            out.add(new Break(at, "enum lost " + String.join(", ", lost) + ", which " + d.writer + " allows"));
        }
    }

    private static void bound(JsonNode reader, JsonNode writer, String keyword, boolean lower, String at, Direction d,
                              Set<Break> out) {
        JsonNode r = reader.get(keyword);
        if (r == null || !r.isNumber()) {
            return;
        }
        JsonNode w = writer.get(keyword);
        if (w == null || !w.isNumber()) {
            out.add(new Break(at, keyword + " " + r.asString() + " added"));
            return;
        }
        BigDecimal rv = r.decimalValue();
        BigDecimal wv = w.decimalValue();
        if (lower ? rv.compareTo(wv) > 0 : rv.compareTo(wv) < 0) {
            out.add(new Break(at, keyword + " " + (lower ? "raised" : "lowered") + " from " + w.asString() + " to " + r.asString()));
        }
    }

    private static Set<String> types(JsonNode schema) {
        JsonNode t = schema.get("type");
        if (t == null) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        if (t.isArray()) {
            t.forEach(x -> out.add(x.asString()));
        } else {
            out.add(t.asString());
        }
        return out;
    }

    private static Set<JsonNode> enumOf(JsonNode schema) {
        if (schema.has("const")) {
            return Set.of(schema.get("const"));
        }
        if (schema.has("enum") && schema.get("enum").isArray()) {
            Set<JsonNode> out = new LinkedHashSet<>();
            schema.get("enum").forEach(out::add);
            return out;
        }
        return null;
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        if (array.isArray()) {
            array.forEach(x -> out.add(x.asString()));
        }
        return out;
    }

    private static boolean isTrue(JsonNode schema) {
        return schema == null || schema.isMissingNode() || schema.isNull() || schema.isBoolean() && schema.asBoolean()
                || schema.isObject() && schema.isEmpty();
    }

    private static boolean isFalse(JsonNode schema) {
        return schema != null && schema.isBoolean() && !schema.asBoolean();
    }

    private static JsonNode object(JsonNode schema) {
        return schema == null || !schema.isObject() ? JsonNodes.EMPTY : schema;
    }

    /** Constant nodes. */
    private static final class JsonNodes {
        static final JsonNode TRUE = BooleanNode.TRUE;
        static final JsonNode EMPTY = JsonNodeFactory.instance.objectNode();
    }
}
