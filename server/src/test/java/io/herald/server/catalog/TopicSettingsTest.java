package io.herald.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.common.ValidationException;
import io.herald.server.common.Violations;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class TopicSettingsTest {

    private static String ok(String name, String value) {
        Violations v = new Violations();
        String out = TopicSettings.normalize(v, name, name, value, 3);
        v.throwIfAny();
        return out;
    }

    private static String refused(String name, String value) {
        Violations v = new Violations();
        assertThat(TopicSettings.normalize(v, name, name, value, 3)).isNull();
        try {
            v.throwIfAny();
        } catch (ValidationException e) {
            assertThat(e.field()).isEqualTo(name);
            return e.violations().get(0).message();
        }
        throw new AssertionError("no violation for " + name + " = " + value);
    }

    @Test
    void normalizesWhatKafkaTakes() {
        assertThat(ok("cleanup.policy", " Compact , delete,compact")).isEqualTo("compact,delete");
        assertThat(ok("compression.type", "ZSTD")).isEqualTo("zstd");
        assertThat(ok("min.insync.replicas", " 3 ")).isEqualTo("3");
        assertThat(ok("retention.ms", "-1")).isEqualTo("-1");
        assertThat(ok("retention.bytes", "-1")).isEqualTo("-1");
        assertThat(ok("max.message.bytes", "1048576")).isEqualTo("1048576");
    }

    @Test
    void refusesWhatTheTopicCannotTakeNamingTheSetting() {
        assertThat(refused("cleanup.policy", ",")).contains("must be delete");
        assertThat(refused("compression.type", "brotli")).contains("must be one of");
        assertThat(refused("min.insync.replicas", "4")).contains("replication factor (3)");
        assertThat(refused("max.message.bytes", "1073741825")).contains("1 GiB");
        assertThat(refused("retention.ms", "59999")).contains("keep forever");
        assertThat(refused("retention.bytes", "1000")).contains("1 MiB");
        assertThat(refused("retention.bytes", "1e9")).contains("whole number");
    }

    @Test
    void aCreateRequestNamesItsSettingsUnderSettings() {
        Violations v = new Violations();
        TopicSettings.validateForCreate(v, Map.of("retention.ms", "1000", "segment.bytes", "1"), 1);
        Assertions.assertThatThrownBy(v::throwIfAny).isInstanceOfSatisfying(ValidationException.class, e ->
                assertThat(e.violations()).extracting(ValidationException.FieldViolation::field)
                        .containsExactlyInAnyOrder("settings.retention.ms", "settings.segment.bytes"));
    }

    @Test
    void cleanupPoliciesAreListsWhoseOrderDoesNotMatter() {
        assertThat(TopicSettings.same("cleanup.policy", "compact,delete", "delete, compact")).isTrue();
        assertThat(TopicSettings.same("cleanup.policy", "compact", "delete")).isFalse();
        assertThat(TopicSettings.same("retention.ms", "1", null)).isFalse();
    }
}
