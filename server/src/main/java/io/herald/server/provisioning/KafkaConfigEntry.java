package io.herald.server.provisioning;

/**
 * One config of a topic as Kafka's describeConfigs reports it.
 *
 * @param value     the value in effect, null when Kafka hides it (sensitive) or has none
 * @param source    where the value comes from: {@code DYNAMIC_TOPIC_CONFIG} (set on the topic),
 *                  {@code DEFAULT_CONFIG}, {@code STATIC_BROKER_CONFIG}, … (Kafka's
 *                  {@link org.apache.kafka.clients.admin.ConfigEntry.ConfigSource} names)
 * @param isDefault the value is not set on the topic (a broker or built-in default applies)
 */
public record KafkaConfigEntry(String name, String value, String source, boolean isDefault, boolean readOnly,
                               boolean sensitive) {

    /** Set on the topic itself (as opposed to inherited from the broker or Kafka's defaults). */
    public boolean setOnTopic() {
        return "DYNAMIC_TOPIC_CONFIG".equals(source);
    }
}
