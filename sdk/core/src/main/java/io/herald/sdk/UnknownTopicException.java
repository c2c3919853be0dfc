package io.herald.sdk;

/** The topic is not in the catalog the control plane pushed to this app. */
public final class UnknownTopicException extends NonRetryableHeraldException {

    private final String topic;

    public UnknownTopicException(String topic) {
        super("Topic '" + topic + "' is not in Herald's catalog for this app: create it in the control plane first", null);
        this.topic = topic;
    }

    /** The topic that was asked for. */
    public String topic() {
        return topic;
    }
}
