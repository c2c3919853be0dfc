package io.herald.server.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A topic's Kafka configs beside what the catalog keeps.
 *
 * @param reachable false when Kafka did not answer ({@code settings} then holds only the catalog's values)
 * @param exists    the topic exists in Kafka
 * @param settings  the editable settings first, in a fixed order, then every other config by name
 * @param drift     names of the editable settings where Kafka differs from the catalog
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TopicSettingsView(String topic, boolean reachable, boolean exists, List<Setting> settings, List<String> drift) {

    /**
     * One config.
     *
     * @param value        the value in effect in Kafka (null when Kafka hides it or did not answer)
     * @param source       where Kafka takes it from ({@code DYNAMIC_TOPIC_CONFIG}: set on the topic;
     *                     {@code DEFAULT_CONFIG}, {@code STATIC_BROKER_CONFIG}, …: a default)
     * @param isDefault    not set on the topic: the broker's or Kafka's default applies
     * @param editable     Herald edits it (and keeps it in the catalog)
     * @param catalogValue what the catalog holds for an editable setting; null: the broker's default
     * @param drift        Kafka differs from the catalog (someone changed it outside Herald)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Setting(String name, String value, String source, boolean isDefault, boolean readOnly, boolean sensitive,
                          boolean editable, String catalogValue, boolean drift) {
    }

    /** The setting of that name, or null. */
    public Setting get(String name) {
        return settings.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    public List<Setting> editable() {
        return settings.stream().filter(Setting::editable).toList();
    }

    /** The choices of the console's {@code cleanup.policy} field besides the broker's default. */
    public List<String> cleanupPolicyChoices() {
        return List.of("delete", "compact", "compact,delete");
    }

    /** The choices of the console's {@code compression.type} field besides the broker's default. */
    public List<String> compressionChoices() {
        return TopicSettings.COMPRESSION_TYPES;
    }

    public List<Setting> others() {
        return settings.stream().filter(s -> !s.editable()).toList();
    }
}
