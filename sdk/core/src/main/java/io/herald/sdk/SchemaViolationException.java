package io.herald.sdk;

import java.util.List;

/** The payload does not satisfy the JSON Schema declared for its message type. */
public final class SchemaViolationException extends NonRetryableHeraldException {

    private final String topic;
    private final String type;
    private final List<String> violations;

    public SchemaViolationException(String topic, String type, List<String> violations) {
        super("Payload of type '" + type + "' on topic '" + topic + "' violates its JSON Schema: "
              + String.join("; ", violations), null);
        this.topic = topic;
        this.type = type;
        this.violations = List.copyOf(violations);
    }

    public String topic() {
        return topic;
    }

    public String type() {
        return type;
    }

    /** One line per violation, each naming the JSON path at fault. */
    public List<String> violations() {
        return violations;
    }
}
