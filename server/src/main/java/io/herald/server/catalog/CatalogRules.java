package io.herald.server.catalog;

import io.herald.sdk.wire.DeadLetters;
import io.herald.server.common.TypePatterns;
import io.herald.server.common.Violations;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * The naming and range rules of the catalog. The API and the console both reach them through the
 * catalog services, so one rule gives one message everywhere.
 */
public final class CatalogRules {

    public static final int MAX_TOPIC_NAME = 249;
    public static final int MAX_PARTITIONS = 10_000;
    public static final String INTERNAL_PREFIX = "herald.";

    private static final Pattern KAFKA_NAME = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final Pattern APP_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}");
    private static final Pattern GROUP_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{0,199}");
    private static final Pattern TYPE_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._:/-]{0,199}");

    private CatalogRules() {
    }

    /** Kafka's own topic-name rules, plus Herald's reserved prefix. */
    public static void topicName(Violations v, String field, String name) {
        if (name == null || name.isBlank()) {
            v.add(field, "is required");
        } else if (name.length() > MAX_TOPIC_NAME) {
            v.add(field, "must be at most " + MAX_TOPIC_NAME + " characters");
        } else if (name.equals(".") || name.equals("..")) {
            v.add(field, "cannot be '.' or '..'");
        } else if (!KAFKA_NAME.matcher(name).matches()) {
            v.add(field, "may contain only letters, digits, '.', '_' and '-'");
        } else if (name.startsWith(INTERNAL_PREFIX) || name.startsWith("__")) {
            v.add(field, "names starting with '" + INTERNAL_PREFIX + "' or '__' are reserved");
        }
    }

    /** Kafka maps '.' and '_' to the same metric name, so two topics differing only there collide. */
    public static String collisionName(String topicName) {
        return topicName.replace('.', '_');
    }

    public static void appName(Violations v, String field, String name) {
        if (name == null || name.isBlank()) {
            v.add(field, "is required");
        } else if (!APP_NAME.matcher(name).matches()) {
            v.add(field, "must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (at most 100)");
        }
    }

    public static void groupName(Violations v, String field, String name, String topic) {
        if (name == null || name.isBlank()) {
            v.add(field, "is required");
        } else if (!GROUP_NAME.matcher(name).matches()) {
            v.add(field, "must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (at most 200)");
        } else if (topic != null && DeadLetters.topic(topic, name).length() > MAX_TOPIC_NAME) {
            v.add(field, "is too long: the dead-letter topic '<topic>.<group>.dlt' would exceed " + MAX_TOPIC_NAME + " characters");
        }
    }

    public static void typeName(Violations v, String field, String name) {
        if (name == null || name.isBlank()) {
            v.add(field, "is required");
        } else if (!TYPE_NAME.matcher(name).matches()) {
            v.add(field, "must start with a letter or digit and contain only letters, digits and . _ : / - (at most 200)");
        }
    }

    public static void regex(Violations v, String field, String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            v.add(field, "is required for a REGEX binding");
            return;
        }
        TypePatterns.check(v, field, pattern);
    }

    public static void range(Violations v, String field, Long value, long min, long max) {
        if (value != null && (value < min || value > max)) {
            v.add(field, "must be between " + min + " and " + max);
        }
    }

    public static void range(Violations v, String field, Double value, double min, double max) {
        if (value != null && (value.isNaN() || value < min || value > max)) {
            v.add(field, "must be between " + min + " and " + max);
        }
    }

    /** Only http and https addresses with a host. */
    public static void httpAddress(Violations v, String field, String address) {
        if (address == null || address.isBlank()) {
            v.add(field, "is required");
            return;
        }
        try {
            URI uri = new URI(address);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                v.add(field, "must be an http:// or https:// address");
            } else if (uri.getHost() == null || uri.getHost().isBlank()) {
                v.add(field, "must name a host");
            }
        } catch (Exception e) {
            v.add(field, "is not a valid URL");
        }
    }

    /** A gRPC target: {@code host:port}, or {@code grpcs://host:port} for TLS. */
    public static void grpcAddress(Violations v, String field, String address) {
        if (address == null || address.isBlank()) {
            v.add(field, "is required");
            return;
        }
        String target = address.strip().replaceFirst("^grpcs?://", "");
        int colon = target.lastIndexOf(':');
        String host = colon > 0 ? target.substring(0, colon) : "";
        String port = colon > 0 ? target.substring(colon + 1) : "";
        if (host.isBlank() || !host.matches("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\]") || !port.matches("\\d{1,5}")
                || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            v.add(field, "must be host:port for gRPC (grpcs://host:port for TLS), such as billing.internal:9090");
        }
    }

}
