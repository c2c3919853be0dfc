package io.herald.sdk;

import java.util.Collection;

/** The message type is not declared on the topic (or the short send form could not pick one). */
public final class UndeclaredTypeException extends NonRetryableHeraldException {

    private final String topic;
    private final String type;

    public UndeclaredTypeException(String topic, String type, Collection<String> declared) {
        super(text(topic, type, declared), null);
        this.topic = topic;
        this.type = type;
    }

    private static String text(String topic, String type, Collection<String> declared) {
        if (type == null) {
            return "Topic '" + topic + "' declares " + declared.size() + " message types " + declared
                   + ": name one with send(topic, type, key, payload)";
        }
        if (declared.isEmpty()) {
            return "Topic '" + topic + "' declares no message types, so its messages are untyped: send with an empty type"
                   + " (send(topic, payload) does), or declare type '" + type + "' on the topic";
        }
        return "Message type '" + type + "' is not declared on topic '" + topic + "' (declared: " + declared + ")";
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
