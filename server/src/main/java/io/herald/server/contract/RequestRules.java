package io.herald.server.contract;

import io.herald.server.catalog.CatalogRules;
import io.herald.server.common.TypePatterns;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rules the services enforce on request bodies, written into the OpenAPI document: required
 * fields, ranges, lengths, patterns and enums. A rule naming a schema or a property the document
 * lacks stops the document from being served (a renamed field cannot leave a stale rule behind).
 */
final class RequestRules {

    private static final long DAY_MS = 86_400_000L;
    private static final String APP_NAME = "^[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}$";
    private static final String GROUP_NAME = "^[a-zA-Z0-9][a-zA-Z0-9._-]{0,199}$";
    private static final String TYPE_NAME = "^[a-zA-Z0-9][a-zA-Z0-9._:/-]{0,199}$";
    private static final String TOPIC_NAME = "^[a-zA-Z0-9._-]+$";

    /** Longest processor and check-back address. */
    static final int MAX_ADDRESS = 2000;
    /** Longest JSON Schema of a message type, as JSON text. */
    static final int MAX_SCHEMA = 100_000;
    /** Longest payload of a schedule, as JSON text. */
    static final int MAX_PAYLOAD = 1_000_000;

    private RequestRules() {
    }

    @SuppressWarnings("rawtypes")
    private static boolean isString(Schema p) {
        return "string".equals(p.getType()) || (p.getTypes() != null && p.getTypes().contains("string"));
    }

    /** One property's rule; null fields say nothing. */
    private record Rule(String schema, String property, boolean required, Number min, Number max, Integer maxLength,
                        String pattern, List<String> values, String description) {
    }

    private static final List<Rule> RULES = new ArrayList<>();

    private static void rule(String schema, String property, boolean required, Number min, Number max, Integer maxLength,
                             String pattern, List<String> values, String description) {
        RULES.add(new Rule(schema, property, required, min, max, maxLength, pattern, values, description));
    }

    static {
        rule("AppRequest", "name", true, null, null, 100, APP_NAME, null, "The app's name; cannot be changed");
        rule("AppRequest", "owner", false, null, null, 200, null, null, "The team or person that owns the app");
        rule("AppRequest", "description", false, null, null, 2000, null, null, null);

        rule("TopicBody", "name", true, null, null, CatalogRules.MAX_TOPIC_NAME, TOPIC_NAME, null,
                "The Kafka topic's name (not starting with `herald.`); required on create, cannot be changed");
        rule("TopicBody", "app", false, null, null, 100, null, null, "The owning app; the caller's app when absent");
        rule("TopicBody", "partitions", false, 1, CatalogRules.MAX_PARTITIONS, null, null, null,
                "3 when absent; can only be raised");
        rule("TopicBody", "replicationFactor", false, 1, Short.MAX_VALUE, null, null, null,
                "At most the number of brokers; min(3, brokers) when absent; cannot be changed");
        rule("TopicBody", "retentionMs", false, -1, 3650 * DAY_MS, null, null, null,
                "-1 keeps records forever, else 60000 (one minute) to 10 years; 7 days when absent");
        rule("TopicBody", "traceSampleRate", false, -1, 1, null, null, null,
                "Share of messages traced, 0 to 1; -1 returns to the server's default");
        rule("TopicBody", "description", false, null, null, 2000, null, null, null);
        rule("TopicBody", "producers", false, null, null, null, null, null, "Apps besides the owner that may produce");
        rule("TopicBody", "consumerPolicy", false, null, null, 16, null, List.of("OPEN", "RESTRICTED"),
                "OPEN (every app may bind and read the topic; the default) or RESTRICTED: only the owner and the apps in"
                        + " consumers may bind it, and only they and the producers read its metadata, schemas and traces;"
                        + " other app keys get 403 naming the topic. OPEN when absent on create, unchanged on update");
        rule("TopicBody", "consumers", false, null, null, null, null, null,
                "Apps besides the owner that may consume a RESTRICTED topic; replaces the list on update. Removing an app"
                        + " blocks its bindings on the topic (left out of its config, not pushed; deletable)");
        rule("TopicBody", "adopt", false, null, null, null, null, null,
                "Adopt a topic that exists in Kafka but not in Herald's catalog");
        rule("TopicBody", "settings", false, null, null, 10_000, null, null,
                "Kafka settings of the topic (create and adopt only; change them through /topics/{topic}/settings): an object"
                        + " of cleanup.policy, retention.bytes, min.insync.replicas, max.message.bytes and compression.type to"
                        + " values. At most 10000 characters as JSON");
        rule("TopicBody", "types", false, null, null, null, null, null,
                "Message types (create only; change them through /topics/{topic}/types)");
        rule("TypeBody", "name", true, null, null, 200, TYPE_NAME, null, "The type (CloudEvents `type`); required on create");
        rule("TypeBody", "description", false, null, null, 2000, null, null, null);
        rule("TypeBody", "compatibility", false, null, null, 16, null, List.of("NONE", "BACKWARD", "FORWARD", "FULL"),
                "What a new schema version must keep: BACKWARD (it reads data written with the previous one), FORWARD"
                        + " (the previous one reads data written with it), FULL (both), NONE (anything); NONE on create,"
                        + " unchanged when absent. A change that breaks it answers 422 naming each breaking path");
        rule("TypeBody", "jsonSchema", false, null, null, MAX_SCHEMA, null, null,
                "A JSON Schema (draft 2020-12) as an object or as a string holding JSON; checked against the meta-schema."
                        + " An empty string removes it. At most " + MAX_SCHEMA + " characters as JSON");
        rule("BindingRequest", "app", false, null, null, 100, null, null, "The consuming app; the caller's app when absent");
        rule("BindingRequest", "group", true, null, null, 200, GROUP_NAME, null, "The consumer group; cannot be changed");
        rule("BindingRequest", "topic", true, null, null, CatalogRules.MAX_TOPIC_NAME, null, null, "The topic consumed; cannot be changed");
        rule("BindingRequest", "kind", true, null, null, 10, null, List.of("DIRECT", "REGEX", "FANOUT"),
                "DIRECT: one declared type; REGEX: types matching typePattern; FANOUT: every type");
        rule("BindingRequest", "typePattern", false, null, null, TypePatterns.MAX_LENGTH, null, null,
                "The type (DIRECT, required) or a Java regular expression (REGEX) the whole type must match; empty for FANOUT."
                        + " A REGEX pattern that needs more than " + TypePatterns.BUDGET_MILLIS + " ms of CPU time to match one"
                        + " of the topic's declared types is refused (422): avoid nested repetition such as (.*a)*");
        rule("BindingRequest", "deliveryLimit", false, 1, 1000, null, null, null, "Attempts before dead-lettering");
        rule("BindingRequest", "backoffMillis", false, 0, DAY_MS, null, null, null, "First retry's back-off");
        rule("BindingRequest", "backoffMultiplier", false, 1.0, 10.0, null, null, null, null);
        rule("BindingRequest", "backoffMaxMillis", false, 0, DAY_MS, null, null, null, null);
        rule("BindingRequest", "expiryMillis", false, 1000, 365 * DAY_MS, null, null, null,
                "Records older than this are dead-lettered unread; none when absent");
        rule("BindingRequest", "concurrency", false, 1, 256, null, null, null, "Consumers per SDK instance");
        rule("BindingRequest", "dedupeWindowMillis", false, 0, DAY_MS, null, null, null,
                "Each SDK instance drops a record whose ce_id it already handled for the group within this many"
                        + " milliseconds (per instance, see the SDK README); 0 or absent: no deduplication");

        rule("ProcessorRequest", "bindingId", true, null, null, null, null, null, "The binding pushed; cannot be changed");
        rule("ProcessorRequest", "protocol", false, null, null, 10, null, List.of("HTTP", "GRPC"), "HTTP when absent");
        rule("ProcessorRequest", "address", true, null, null, MAX_ADDRESS, null, null,
                "HTTP: the URL events are POSTed to; GRPC: host:port (grpcs://host:port for TLS) serving herald.v1.Dispatcher");
        rule("ProcessorRequest", "timeoutMillis", false, 1, 300_000, null, null, null, null);
        rule("ProcessorRequest", "retryIntervalMillis", false, 0, 3_600_000, null, null, null, null);
        rule("ProcessorRequest", "retryCount", false, 0, 100, null, null, null, null);
        rule("ProcessorRequest", "retryStatusCodes", false, null, null, null, null, null,
                "At most 20 statuses retried besides those always retried: HTTP 400 to 499 (like a 5xx);"
                        + " GRPC status codes 1 to 16 (besides UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED)");
        rule("ProcessorRequest", "concurrency", false, 1, 1024, null, null, null, null);
        rule("ProcessorRequest", "ratePerSecond", false, 1, 100_000, null, null, null, "Unlimited when absent");
        rule("ProcessorRequest", "passBack", false, null, null, 2000, null, null, null);
        rule("ProcessorRequest", "startPosition", false, null, null, 40, null, null,
                "earliest, latest or a time such as 2030-01-01T12:00:00Z; only when the processor is created");

        rule("Heartbeat", "app", true, null, null, 100, null, null, null);
        rule("Heartbeat", "instanceId", false, null, null, 200, null, null, null);
        rule("Heartbeat", "host", false, null, null, 255, null, null, null);
        rule("Heartbeat", "sdkVersion", false, null, null, 50, null, null, null);
        rule("Heartbeat", "applyError", false, null, null, io.herald.sdk.wire.Heartbeat.MAX_APPLY_ERROR, null, null,
                "Why the SDK could not apply the config version applyErrorVersion");

        rule("SearchBody", "text", false, null, null, 1000, null, null, "Payloads containing this text");
        rule("SearchBody", "jsonPath", false, null, null, 500, null, null, "A JSON field such as $.order.id, with value");
        rule("SearchBody", "value", false, null, null, 1000, null, null, "The value the JSON field must equal");
        rule("SearchBody", "type", false, null, null, 200, null, null, "Only messages of this type");
        rule("SearchBody", "from", false, null, null, 64, null, null, "Start of the time range (RFC 3339)");
        rule("SearchBody", "to", false, null, null, 64, null, null, "End of the time range (RFC 3339)");

        rule("ScheduleRequest", "app", false, null, null, 100, null, null, "The publishing app; the caller's app when absent");
        rule("ScheduleRequest", "name", true, null, null, 200, "^[a-zA-Z0-9][a-zA-Z0-9 ._-]{0,199}$", null, null);
        rule("ScheduleRequest", "description", false, null, null, 2000, null, null, null);
        rule("ScheduleRequest", "cron", false, null, null, 200, null, null,
                "Six fields (second minute hour day month weekday) or five; give cron or fixedRateMillis");
        rule("ScheduleRequest", "fixedRateMillis", false, 1000, 366 * DAY_MS, null, null, null,
                "Give cron or fixedRateMillis");
        rule("ScheduleRequest", "timeZone", false, null, null, 100, null, null, "An IANA zone such as Europe/Berlin; UTC when absent");
        rule("ScheduleRequest", "endAt", false, null, null, null, null, null, "After startAt");
        rule("ScheduleRequest", "maxCount", false, 1, null, null, null, null, "Unlimited when absent");
        rule("ScheduleRequest", "topic", true, null, null, CatalogRules.MAX_TOPIC_NAME, null, null, null);
        rule("ScheduleRequest", "type", true, null, null, 200, null, null, "A type declared on the topic");
        rule("ScheduleRequest", "key", false, null, null, 1000, null, null, null);
        rule("ScheduleRequest", "payload", false, null, null, MAX_PAYLOAD, null, null,
                "JSON for a JSON content type (validated against the type's schema), else a JSON string; at most "
                        + MAX_PAYLOAD + " characters as JSON");
        rule("ScheduleRequest", "contentType", false, null, null, 200, null, null, null);
        rule("ScheduleRequest", "misfirePolicy", false, null, null, 10, null, List.of("FIRE_ONCE", "SKIP"), null);

        rule("ProducerSettings", "app", false, null, null, 100, null, null, null);
        rule("ProducerSettings", "checkProtocol", false, null, null, 10, null, List.of("KAFKA", "HTTP", "GRPC"),
                "KAFKA (the app's SDK instances answer) when absent; HTTP posts to checkAddress; GRPC calls herald.v1.Checker/Check");
        rule("ProducerSettings", "checkAddress", false, null, null, MAX_ADDRESS, null, null,
                "Required with HTTP (an http(s) URL) and GRPC (host:port, grpcs://host:port for TLS)");
        rule("ProducerSettings", "checkIntervalMs", false, null, null, null, null, null,
                "How often a pending transaction is checked back; the server's default when 0");
        rule("ProducerSettings", "maxChecks", false, 0, 1000, null, null, null, "The server's default when 0");
        rule("ProducerSettings", "lateCommit", false, null, null, 10, null, List.of("PUBLISH", "REFUSE"),
                "What a COMMIT arriving after the message was discarded does: PUBLISH (when absent) publishes it once, REFUSE answers"
                        + " 409 (audited, counted)");
        rule("ProducerSettings", "maxAwayMs", false, 0, null, null, null, null,
                "How long a message stays pending while the producer is away (checks made meanwhile do not count);"
                        + " herald.tx.max-away when 0");

        rule("ReplayRequest", "topic", true, null, null, CatalogRules.MAX_TOPIC_NAME, null, null, null);
        rule("ReplayRequest", "from", true, null, null, 64, null, null, "ISO-8601 time with offset, or epoch milliseconds");
        rule("ReplayRequest", "to", false, null, null, 64, null, null, "After from, not in the future; now when absent");
        rule("ReplayRequest", "type", false, null, null, 200, null, null, null);
        rule("ReplayRequest", "key", false, null, null, 512, null, null, null);
        rule("ReplayRequest", "target", true, null, null, null, null, null, null);
        rule("ReplayRequest", "ratePerSecond", false, 1, 1_000_000, null, null, null, "Unlimited when absent");
        rule("MessageReplayRequest", "target", true, null, null, null, null, null, null);
        rule("ReplayTarget", "group", false, null, null, 200, null, null, "One consumer group; give group or topic");
        rule("ReplayTarget", "topic", false, null, null, null, null, null, "true: into the topic itself, for every group");

        rule("OffsetResetRequest", "topic", true, null, null, CatalogRules.MAX_TOPIC_NAME, null, null, "The topic whose offsets move");
        rule("OffsetResetRequest", "to", true, null, null, 16, null, List.of("EARLIEST", "LATEST", "TIME", "OFFSET"),
                "EARLIEST, LATEST, TIME (the first record at or after time; after the last record when there is none) or OFFSET");
        rule("OffsetResetRequest", "time", false, null, null, 64, null, null,
                "With TIME: ISO-8601 time with offset, or epoch milliseconds");
        rule("OffsetResetRequest", "offset", false, 0, Long.MAX_VALUE, null, null, null,
                "With OFFSET: the offset, between the partition's first and end offset");
        rule("OffsetResetRequest", "partition", false, 0, null, null, null, null, "Only this partition; every partition when absent");
        rule("RedriveRequest", "topic", true, null, null, CatalogRules.MAX_TOPIC_NAME, null, null, null);
        rule("RedriveRequest", "group", true, null, null, 200, null, null, null);
        rule("RedriveRequest", "records", false, null, null, null, null, null, "At most 10000; or all: true");
        rule("RedriveRequest", "ratePerSecond", false, 1, 1_000_000, null, null, null, null);
        rule("RecordRef", "partition", true, 0, null, null, null, null, null);
        rule("RecordRef", "offset", true, 0, null, null, null, null, null);
    }

    /** A list field: the most elements it may hold and, for a list of strings, the longest element. */
    private record Items(String schema, String property, int maxItems, Integer itemMaxLength) {
    }

    private static final List<Items> ITEMS = List.of(
            new Items("TopicBody", "producers", 100, 100),
            new Items("TopicBody", "consumers", 100, 100),
            new Items("TopicBody", "types", 1000, null),
            new Items("ProcessorRequest", "retryStatusCodes", 20, null),
            new Items("RedriveRequest", "records", 10_000, null));

    /** The longest a field may be (characters; a JSON value's as JSON text), or {@code null} when no rule says. */
    static Integer maxLength(String schema, String property) {
        for (Rule r : RULES) {
            if (r.maxLength() != null && r.schema().equals(schema) && r.property().equals(property)) {
                return r.maxLength();
            }
        }
        return null;
    }

    /** The most elements a list field may hold, or {@code null}. */
    static Integer maxItems(String schema, String property) {
        return ITEMS.stream().filter(i -> i.schema().equals(schema) && i.property().equals(property))
                .map(Items::maxItems).findFirst().orElse(null);
    }

    /** The longest a string element of a list field may be, or {@code null}. */
    static Integer itemMaxLength(String schema, String property) {
        return ITEMS.stream().filter(i -> i.schema().equals(schema) && i.property().equals(property))
                .map(Items::itemMaxLength).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    static void apply(OpenAPI api) {
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        for (Items i : ITEMS) {
            Schema schema = schemas == null ? null : schemas.get(i.schema());
            Schema p = schema == null || schema.getProperties() == null ? null : (Schema) schema.getProperties().get(i.property());
            if (schema != null && p == null) {
                throw new IllegalStateException("OpenAPI rule for " + i.schema() + "." + i.property()
                        + ": the schema has no such property (renamed?)");
            }
            if (p != null) {
                p.setMaxItems(i.maxItems());
                if (i.itemMaxLength() != null && p.getItems() != null) {
                    p.getItems().setMaxLength(i.itemMaxLength());
                }
            }
        }
        for (Rule r : RULES) {
            Schema schema = schemas == null ? null : schemas.get(r.schema());
            if (schema == null) {
                // a schema the API no longer uses (a rule for a later field, for one) is skipped; a missing property is not
                continue;
            }
            Schema p = schema.getProperties() == null ? null : (Schema) schema.getProperties().get(r.property());
            if (p == null) {
                throw new IllegalStateException("OpenAPI rule for " + r.schema() + "." + r.property()
                        + ": the schema has no such property (renamed?)");
            }
            if (r.required() && (schema.getRequired() == null || !schema.getRequired().contains(r.property()))) {
                schema.addRequiredItem(r.property());
            }
            if (r.min() != null) {
                p.setMinimum(new BigDecimal(r.min().toString()));
            }
            if (r.max() != null) {
                p.setMaximum(new BigDecimal(r.max().toString()));
            }
            if (r.maxLength() != null && isString(p)) {
                p.setMaxLength(r.maxLength());
            }
            if (r.pattern() != null) {
                p.setPattern(r.pattern());
            }
            if (r.values() != null) {
                p.setEnum(new ArrayList<>(r.values()));
            }
            if (r.description() != null) {
                p.setDescription(r.description());
            }
        }
    }
}
