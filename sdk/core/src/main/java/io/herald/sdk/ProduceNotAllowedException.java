package io.herald.sdk;

/** The app is not allowed to produce to the topic (it neither owns it nor is listed as a producer). */
public final class ProduceNotAllowedException extends NonRetryableHeraldException {

    private final String topic;

    public ProduceNotAllowedException(String app, String topic) {
        super("App '" + app + "' may not produce to topic '" + topic + "': grant it in the control plane", null);
        this.topic = topic;
    }

    /** The topic that was asked for. */
    public String topic() {
        return topic;
    }
}
