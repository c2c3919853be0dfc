package io.herald.server.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The field-by-field difference between an audit entry's before and after JSON. */
final class AuditDiff {

    private AuditDiff() {
    }

    /** One changed field; {@code before} or {@code after} is null when the field was added or removed. */
    record Row(String field, String before, String after) {
        public String kind() {
            return before == null ? "added" : after == null ? "removed" : "changed";
        }
    }

    static List<Row> rows(ObjectMapper json, String before, String after) {
        Map<String, String> b = flatten(json, before);
        Map<String, String> a = flatten(json, after);
        Set<String> fields = new LinkedHashSet<>(b.keySet());
        fields.addAll(a.keySet());
        List<Row> rows = new ArrayList<>();
        for (String f : fields) {
            String x = b.get(f);
            String y = a.get(f);
            if (x == null ? y != null : !x.equals(y)) {
                rows.add(new Row(f, x, y));
            }
        }
        return rows;
    }

    private static Map<String, String> flatten(ObjectMapper json, String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        flatten("", json.readTree(text), out);
        return out;
    }

    private static void flatten(String path, JsonNode node, Map<String, String> out) {
        if (node == null || node.isNull()) {
            if (!path.isEmpty()) {
                out.put(path, "null");
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                flatten(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isArray() && node.size() > 0 && node.get(0).isObject()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(path + "[" + i + "]", node.get(i), out);
            }
        } else if (node.isValueNode()) {
            out.put(path, node.isString() ? node.asString() : node.toString());
        } else {
            out.put(path, node.toString());
        }
    }
}
