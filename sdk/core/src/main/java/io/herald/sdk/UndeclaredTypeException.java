package io.herald.sdk;

import java.util.Collection;

/** The message type is not declared on the topic (or the short send form could not pick one). */
public final class UndeclaredTypeException extends NonRetryableHeraldException {

    private final String topic;
    private final String type;

    public UndeclaredTypeException(String topic, String type, Collection<String> declared) {
        super(type == null
                ? "Topic '" + topic + "' declares " + declared.size() + " message types " + declared
                  + ": name one with send(topic, type, key, payload)"
                : "Message type '" + type + "' is not declared on topic '" + topic + "' (declared: " + declared + ")",
                null);
        this.topic = topic;
        this.type = type;
    }

    /** The topic. */
    public String topic() {
        return topic;
    }

    /** The type that was asked for, or {@code null} when the short form found no single type. */
    public String type() {
        return type;
    }
}
