package io.herald.server.console;

import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pretty-prints JSON for display ({@code ${@consoleJson.pretty(x)}}). The result is still rendered
 * with {@code th:text}, so it is escaped like any other text.
 */
@Component("consoleJson")
class ConsoleJson {

    private final ObjectMapper pretty = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** Indented JSON, or the text unchanged when it is not JSON. */
    public String pretty(String text) {
        JsonNode node = parse(text);
        return node == null ? text : pretty.writeValueAsString(node);
    }

    /** Any JSON value (also a string or number), or null when the text is not JSON. */
    JsonNode parseAny(String text) {
        try {
            return text == null || text.isBlank() ? null : pretty.readTree(text);
        } catch (JacksonException e) {
            return null;
        }
    }

    /** The parsed JSON value, or null when the text is not a JSON object or array. */
    JsonNode parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        if (t.isEmpty() || (t.charAt(0) != '{' && t.charAt(0) != '[')) {
            return null;
        }
        try {
            return pretty.readTree(t);
        } catch (JacksonException e) {
            return null;
        }
    }
}
