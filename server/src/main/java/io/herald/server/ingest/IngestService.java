package io.herald.server.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.HeraldException;
import io.herald.server.common.TimeInput;
import io.herald.server.common.ValidationException;
import io.herald.server.security.Caller;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * The one way in for events, whatever door they come through (HTTP, gRPC, the console): checks
 * them against the catalog (topic, producer, declared type, JSON Schema, size) and writes them to
 * Kafka in Herald's wire format (CloudEvents Kafka binary mode), answering once Kafka acknowledged
 * them ({@code acks=all}), or to the delay store when they are due later.
 */
@Service
public class IngestService {

    private final ProducerCatalog catalog;
    private final EventPublisher publisher;
    private final DelayStore delays;
    private final IngestProperties props;
    private final HalfStore halves;

    IngestService(ProducerCatalog catalog, EventPublisher publisher, DelayStore delays, IngestProperties props, HalfStore halves) {
        this.catalog = catalog;
        this.publisher = publisher;
        this.delays = delays;
        this.props = props;
        this.halves = halves;
    }

    /**
     * The first phase of a two-phase message without the SDK: checks the event as {@link #publish}
     * does and keeps it as a pending half (not delivered) until the producer commits or rolls it
     * back by id, or Herald's check-back at the app's producer settings decides it.
     */
    public EventResult prepare(Caller caller, String topicName, CloudEvent event, String fieldPrefix) {
        ProducerCatalog.Entry topic = catalog.topic(topicName, "topic");
        String app = producer(caller, topic);
        Prepared p = prepare(topic, app, event, fieldPrefix);
        halves.prepare(app, p.id(), p.type(), p.record());
        return new EventResult(p.id(), topicName, null, null, null, null, "PENDING");
    }

    /** What became of one event. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EventResult(String id, String topic, Integer partition, Long offset, Instant dueAt, String delayId,
                              String transaction) {

        EventResult(String id, String topic, Integer partition, Long offset, Instant dueAt, String delayId) {
            this(id, topic, partition, offset, dueAt, delayId, null);
        }
    }

    /** One item of a batch answer: its status and either the result or the problem. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BatchItem(int index, int status, String id, Integer partition, Long offset, Instant dueAt, String delayId,
                            String title, String detail, String field) {
    }

    /**
     * When an event is due: now ({@code at} null) or later, with the id to cancel it by; and until when
     * it may be delivered ({@code expiresAt}, null: for ever).
     */
    public record Due(Instant at, String delayId, Instant expiresAt) {

        public Due(Instant at, String delayId) {
            this(at, delayId, null);
        }

        /** Whether the event is held until {@link #at()} rather than written now. */
        public boolean later() {
            return at != null && at.isAfter(Instant.now());
        }
    }

    /**
     * Who an admin produces as, and what a copy was made from (the console's produce and re-produce).
     *
     * @param app      the producing app (written as the event's source); it must be the topic's owner
     *                 or one of its producers. {@code null}: the topic's owner
     * @param replayOf the original a re-produced copy was made from ({@code herald-replay-of}), or {@code null}
     */
    public record Origin(String app, String replayOf) {
    }

    /**
     * Checks one event and writes it (or holds it until due). Throws a {@link HeraldException}
     * naming the field at fault when the event cannot be taken.
     *
     * @param origin only honoured for an admin caller; {@code null} for the usual rule
     */
    public EventResult publish(Caller caller, String topicName, CloudEvent event, Due due, Origin origin) {
        return publishOne(caller, topicName, event, due, "", origin);
    }

    /**
     * As {@link #publish} without waiting for Kafka: a check that fails throws at once; the future
     * completes once Kafka acknowledged the event (or it was stored for later), or fails with a
     * {@link HeraldException}. For streams, where many events are under way at once.
     */
    public CompletableFuture<EventResult> publishAsync(Caller caller, String topicName, CloudEvent event, Due due) {
        ProducerCatalog.Entry topic = catalog.topic(topicName, "topic");
        String app = producer(caller, topic);
        Prepared p = expiring(prepare(topic, app, event, ""), due);
        if (due != null && due.later()) {
            String delayId = due.delayId() != null ? due.delayId() : p.id();
            delays.store(List.of(new DelayStore.Delayed(delayId, due.at(), app, p.id(), p.type(), p.record())));
            return CompletableFuture.completedFuture(new EventResult(p.id(), topicName, null, null, due.at(), delayId));
        }
        return publisher.send(p.record()).thenApply(m -> new EventResult(p.id(), topicName, m.partition(), m.offset(), null, null));
    }

    /** One event of a batch as it was read: the event, or why it could not be read. */
    public record Incoming(CloudEvent event, HeraldException error) {
    }

    /** Checks and writes each event on its own; the answer has one item per event, in order. */
    public List<BatchItem> publishEach(Caller caller, String topicName, List<Incoming> events, Due due) {
        return publishBatch(caller, topicName, events.stream().map(e -> new IncomingEvents.Item(e.event(), e.error())).toList(), due);
    }

    /** The app that produces as this caller: an app key's app; for an admin, the topic's owner. */
    String producer(Caller caller, ProducerCatalog.Entry topic) {
        if (caller.admin()) {
            return topic.owner();
        }
        caller.requireWrite();
        if (caller.app() == null || !topic.canProduce(caller.app())) {
            ProducerCatalog.Entry fresh = catalog.fresh(topic.name());
            if (caller.app() == null || !fresh.canProduce(caller.app())) {
                throw new ForbiddenException("App '" + caller.app() + "' may not produce to topic '" + topic.name()
                        + "' (only its owner and listed producers may)");
            }
        }
        return caller.app();
    }

    EventResult publishOne(Caller caller, String topicName, CloudEvent event, Due due, String fieldPrefix) {
        return publishOne(caller, topicName, event, due, fieldPrefix, null);
    }

    private EventResult publishOne(Caller caller, String topicName, CloudEvent event, Due due, String fieldPrefix,
                                   Origin origin) {
        ProducerCatalog.Entry topic = catalog.topic(topicName, "topic");
        String app = producer(caller, topic);
        if (origin != null && caller.admin() && origin.app() != null && !origin.app().equals(app)) {
            app = origin.app();
            if (!topic.canProduce(app) && !catalog.fresh(topic.name()).canProduce(app)) {
                throw new ValidationException("source", "app '" + app + "' may not produce to topic '" + topic.name()
                        + "' (only its owner '" + topic.owner() + "' and listed producers may)");
            }
        }
        Prepared p = expiring(prepare(topic, app, event, fieldPrefix), due);
        if (origin != null && origin.replayOf() != null) {
            p.record().headers().add(HeraldHeaders.REPLAY_OF, origin.replayOf().getBytes(StandardCharsets.UTF_8));
        }
        if (due != null && due.later()) {
            String delayId = due.delayId() != null ? due.delayId() : p.id();
            delays.store(List.of(new DelayStore.Delayed(delayId, due.at(), app, p.id(), p.type(), p.record())));
            return new EventResult(p.id(), topicName, null, null, due.at(), delayId);
        }
        RecordMetadata m = publisher.sendAndWait(p.record());
        return new EventResult(p.id(), topicName, m.partition(), m.offset(), null, null);
    }

    List<BatchItem> publishBatch(Caller caller, String topicName, List<IncomingEvents.Item> items, Due due) {
        ProducerCatalog.Entry topic = catalog.topic(topicName, "topic");
        String app = producer(caller, topic);
        boolean later = due != null && due.later();
        BatchItem[] out = new BatchItem[items.size()];
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        List<Integer> sentIndex = new ArrayList<>();
        List<Prepared> prepared = new ArrayList<>();
        List<DelayStore.Delayed> delayed = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            IncomingEvents.Item item = items.get(i);
            if (item.error() != null) {
                out[i] = problem(i, item.error());
                continue;
            }
            Prepared p;
            try {
                p = expiring(prepare(topic, app, item.event(), ""), due);
            } catch (HeraldException e) {
                out[i] = problem(i, e);
                continue;
            }
            prepared.add(p);
            sentIndex.add(i);
            if (later) {
                delayed.add(new DelayStore.Delayed(p.id(), due.at(), app, p.id(), p.type(), p.record()));
            } else {
                sent.add(publisher.send(p.record()));
            }
        }
        if (later) {
            try {
                delays.store(delayed);
                for (int j = 0; j < prepared.size(); j++) {
                    Prepared p = prepared.get(j);
                    out[sentIndex.get(j)] = new BatchItem(sentIndex.get(j), 201, p.id(), null, null, due.at(), p.id(),
                            null, null, null);
                }
            } catch (HeraldException e) {
                sentIndex.forEach(i -> out[i] = problem(i, e));
            }
        } else {
            for (int j = 0; j < sent.size(); j++) {
                int i = sentIndex.get(j);
                try {
                    RecordMetadata m = publisher.await(sent.get(j));
                    out[i] = new BatchItem(i, 201, prepared.get(j).id(), m.partition(), m.offset(), null, null, null, null, null);
                } catch (HeraldException e) {
                    out[i] = problem(i, e);
                }
            }
        }
        return List.of(out);
    }

    private static BatchItem problem(int index, HeraldException e) {
        return new BatchItem(index, e.status().value(), null, null, null, null, null, e.title(), e.getMessage(), e.field());
    }

    /** A checked event as the Kafka record to write. */
    record Prepared(String id, String type, ProducerRecord<byte[], byte[]> record) {
    }

    Prepared prepare(ProducerCatalog.Entry topic, String app, CloudEvent event, String fieldPrefix) {
        ProducerCatalog.Type type = topic.types().get(event.getType());
        if (type == null) {
            type = catalog.fresh(topic.name()).types().get(event.getType());
            if (type == null) {
                throw new ValidationException(fieldPrefix + "type", "type '" + event.getType() + "' is not declared on topic '"
                        + topic.name() + "' (declared: " + String.join(", ", topic.types().keySet().stream().sorted().toList()) + ")");
            }
        }
        CloudEventData data = event.getData();
        byte[] bytes = data == null ? new byte[0] : data.toBytes();
        if (bytes.length > props.maxEventSize().toBytes()) {
            throw new IngestException(HttpStatus.CONTENT_TOO_LARGE, "Event too large", "The event's data has " + bytes.length
                    + " bytes; at most " + props.maxEventSize().toBytes() + " are accepted (herald.ingest.max-event-size)", "data");
        }
        String contentType = event.getDataContentType();
        if (contentType == null && data != null) {
            contentType = "application/json";
        }
        if (type.schema() != null) {
            JsonNode node = json(data, bytes, contentType);
            List<String> violations = type.validate(node);
            if (!violations.isEmpty()) {
                String typeName = type.name();
                throw new ValidationException(violations.stream()
                        .map(v -> new ValidationException.FieldViolation("data", "does not match the schema of type '"
                                + typeName + "': " + v)).toList());
            }
        }
        CloudEventBuilder b = CloudEventBuilder.v1(event).withSource(URI.create(app));
        if (event.getTime() == null) {
            b.withTime(OffsetDateTime.now(ZoneOffset.UTC));
        }
        if (data != null) {
            b.withData(contentType, bytes);
        }
        Object partitionKey = event.getExtension("partitionkey");
        byte[] key = partitionKey == null ? null : partitionKey.toString().getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> record = KafkaMessageFactory.createWriter(topic.name(), key).writeBinary(b.build());
        return new Prepared(event.getId(), event.getType(), record);
    }

    /**
     * Marks the record with the time after which consumers dead-letter it as {@code expired} instead of
     * handing it on ({@code herald-expires-at}, epoch milliseconds, the SDK's own encoding), last so that
     * consumers reading headers from the end find it at once.
     */
    private static Prepared expiring(Prepared p, Due due) {
        if (due != null && due.expiresAt() != null) {
            p.record().headers().add(HeraldHeaders.EXPIRES_AT,
                    Long.toString(due.expiresAt().toEpochMilli()).getBytes(StandardCharsets.US_ASCII));
        }
        return p;
    }

    private static JsonNode json(CloudEventData data, byte[] bytes, String contentType) {
        if (data instanceof JsonCloudEventData j) {
            return j.getNode();
        }
        String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (!(ct.startsWith("application/json") || ct.contains("+json") || ct.startsWith("text/json"))) {
            throw new ValidationException("datacontenttype", "must be JSON (application/json) for a type with a JSON Schema, not '"
                    + contentType + "'");
        }
        try {
            JsonNode node = ProducerCatalog.JSON.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new ValidationException("data", "is empty; the type's JSON Schema needs a JSON payload");
            }
            return node;
        } catch (java.io.IOException e) {
            throw new ValidationException("data", "is not valid JSON: " + e.getMessage());
        }
    }

    /**
     * Reads the delay headers: {@code Herald-Delay} (ISO-8601 duration such as {@code PT30S}, or seconds)
     * or {@code Herald-Deliver-At} (RFC 3339 time), with an optional {@code Herald-Delay-Id}.
     */
    public Due due(String delay, String deliverAt, String delayId) {
        return due(delay, deliverAt, delayId, null);
    }

    /**
     * As {@link #due(String, String, String)}, with {@code Herald-Expires-At} (RFC 3339 time): consumers
     * (SDK listeners and push processors) dead-letter the event as {@code expired} once it has passed,
     * without handing it on. It must lie ahead, and after the event is due.
     */
    public Due due(String delay, String deliverAt, String delayId, String expiresAt) {
        Instant expires = expiresAt == null ? null : expiresAt(expiresAt);
        if (delay == null && deliverAt == null) {
            if (delayId != null) {
                throw new ValidationException("Herald-Delay-Id", "needs Herald-Delay or Herald-Deliver-At");
            }
            return expires == null ? null : new Due(null, null, expires);
        }
        if (delay != null && deliverAt != null) {
            throw new ValidationException("Herald-Delay", "give either Herald-Delay or Herald-Deliver-At, not both");
        }
        Instant now = Instant.now();
        Instant at;
        String field;
        if (delay != null) {
            field = "Herald-Delay";
            Duration d = TimeInput.DELAY.read(field, delay);
            if (d.isNegative()) {
                throw new ValidationException(field, "must not be negative");
            }
            at = now.plus(d);
        } else {
            field = "Herald-Deliver-At";
            at = TimeInput.RFC_3339.read(field, deliverAt).toInstant();
        }
        if (at.isAfter(now.plus(delays.maxDelay()).plusSeconds(1))) {
            throw new ValidationException(field, "is too far ahead: at most " + delays.maxDelay() + " from now (herald.schedule.max-delay)");
        }
        if (delayId != null && (delayId.isBlank() || delayId.length() > 200)) {
            throw new ValidationException("Herald-Delay-Id", "must be 1 to 200 characters");
        }
        if (expires != null && !expires.isAfter(at)) {
            throw new ValidationException("Herald-Expires-At", "is not after the time the event is due (" + at
                    + "): it would expire before anyone could receive it");
        }
        return new Due(at, delayId == null ? null : delayId.strip(), expires);
    }

    private static Instant expiresAt(String text) {
        Instant at = TimeInput.RFC_3339.read("Herald-Expires-At", text).toInstant();
        if (!at.isAfter(Instant.now())) {
            throw new ValidationException("Herald-Expires-At", "is not in the future: the event would expire before anyone "
                    + "could receive it");
        }
        return at;
    }
}
