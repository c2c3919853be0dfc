package io.herald.server.contract;

import io.herald.sdk.wire.HeraldHeaders;
import io.herald.server.catalog.AppService;
import io.herald.server.catalog.BindingKind;
import io.herald.server.catalog.BindingService;
import io.herald.server.catalog.BindingView;
import io.herald.server.catalog.MessageTypeView;
import io.herald.server.catalog.PageView;
import io.herald.server.common.Paging;
import io.herald.server.catalog.TopicService;
import io.herald.server.catalog.TopicView;
import io.herald.server.common.TypePatterns;
import io.herald.server.provisioning.HeraldKafkaProperties;
import io.herald.server.security.Caller;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.springframework.boot.info.BuildProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The event catalog as an AsyncAPI 3.0 document: the Kafka brokers as servers, one channel per
 * topic, one message per type (its JSON Schema as payload, the CloudEvents Kafka headers as
 * message headers), and operations: a {@code send} per producing app and topic, a {@code receive}
 * per binding (consumer group, kind, type pattern).
 */
@Service
@Transactional(readOnly = true)
public class AsyncApiDocuments {

    static final String VERSION = "3.0.0";
    private static final String KAFKA_BINDING = "0.5.0";
    private static final Pattern KEY_UNSAFE = Pattern.compile("[^a-zA-Z0-9._-]");

    private final TopicService topics;
    private final BindingService bindings;
    private final AppService apps;
    private final HeraldKafkaProperties kafka;
    private final ObjectMapper json;
    private final String version;

    AsyncApiDocuments(TopicService topics, BindingService bindings, AppService apps, HeraldKafkaProperties kafka,
                      ObjectMapper json, ObjectProvider<BuildProperties> build) {
        this.topics = topics;
        this.bindings = bindings;
        this.apps = apps;
        this.kafka = kafka;
        this.json = json;
        BuildProperties b = build.getIfAvailable();
        this.version = b != null ? b.getVersion() : "1";
    }

    /** Every topic, producer and binding of the catalog the caller may read (an app key: not RESTRICTED topics of others). */
    public JsonNode catalog(Caller caller) {
        return document("Herald event catalog", "Every topic, message type, producer and consumer group Herald knows.",
                allTopics(caller), bindings.list(caller, null, null, null), app -> true);
    }

    /** What one app sends and receives: the topics it owns or may produce to, and its bindings. */
    public JsonNode app(Caller caller, String app) {
        apps.get(caller, app);
        List<BindingView> own = bindings.list(Caller.SYSTEM, app, null, null).stream().filter(b -> !b.blocked()).toList();
        Set<String> consumed = new LinkedHashSet<>();
        own.forEach(b -> consumed.add(b.topic()));
        List<TopicView> relevant = allTopics(Caller.app(app)).stream()
                .filter(t -> producers(t).contains(app) || consumed.contains(t.name())).toList();
        return document("Herald events of app " + app, "What app '" + app + "' sends and receives through Herald.",
                relevant, own, app::equals);
    }

    /** One topic: its messages, its producers and every binding on it. */
    public JsonNode topic(Caller caller, String topic) {
        TopicView t = topics.get(caller, topic, false);
        return document("Herald topic " + topic, "Topic '" + topic + "': its message types, producers and consumer groups.",
                List.of(t), bindings.list(caller, null, topic, null), app -> true);
    }

    private List<TopicView> allTopics(Caller reader) {
        List<TopicView> all = new ArrayList<>();
        for (int page = 0; ; page++) {
            PageView<TopicView> p = topics.list(reader, null, null, Paging.of(page, Paging.MAX_SIZE));
            all.addAll(p.items());
            if (page + 1 >= p.totalPages()) {
                return all;
            }
        }
    }

    private static List<String> producers(TopicView t) {
        List<String> out = new ArrayList<>();
        out.add(t.app());
        if (t.producers() != null) {
            t.producers().stream().filter(p -> !p.equals(t.app())).sorted().forEach(out::add);
        }
        return out;
    }

    private JsonNode document(String title, String description, List<TopicView> topicList, List<BindingView> bindingList,
                              Predicate<String> includeProducer) {
        ObjectNode doc = json.createObjectNode();
        doc.put("asyncapi", VERSION);
        ObjectNode info = doc.putObject("info");
        info.put("title", title);
        info.put("version", version);
        info.put("description", description + " Records are CloudEvents 1.0 in Kafka binary mode: the value is the"
                + " payload, the attributes are ce_* headers, the key is the producer's business key.");
        doc.put("defaultContentType", "application/json");
        servers(doc.putObject("servers"));
        ObjectNode channels = doc.putObject("channels");
        ObjectNode operations = doc.putObject("operations");
        ObjectNode messages = doc.putObject("components").putObject("messages");
        for (TopicView t : topicList) {
            String channelKey = key(t.name());
            ObjectNode channel = channels.putObject(channelKey);
            channel.put("address", t.name());
            channel.put("title", t.name());
            if (t.description() != null) {
                channel.put("description", t.description());
            }
            ObjectNode channelMessages = channel.putObject("messages");
            for (MessageTypeView type : t.types()) {
                String messageKey = channelKey + "." + key(type.name());
                messages.set(messageKey, message(t, type));
                channelMessages.putObject(key(type.name())).put("$ref", "#/components/messages/" + messageKey);
            }
            ObjectNode kafkaChannel = channel.putObject("bindings").putObject("kafka");
            kafkaChannel.put("topic", t.name());
            kafkaChannel.put("partitions", t.partitions());
            kafkaChannel.put("replicas", t.replicationFactor());
            kafkaChannel.putObject("topicConfiguration").put("retention.ms", t.retentionMs());
            kafkaChannel.put("bindingVersion", KAFKA_BINDING);

            for (String app : producers(t)) {
                if (!includeProducer.test(app)) {
                    continue;
                }
                ObjectNode op = operations.putObject(key("send." + app + "." + t.name()));
                op.put("action", "send");
                op.putObject("channel").put("$ref", "#/channels/" + channelKey);
                op.put("title", app + " sends to " + t.name());
                op.put("description", "App '" + app + "' " + (app.equals(t.app()) ? "owns topic '" + t.name() + "' and sends to it."
                        : "may produce to topic '" + t.name() + "'."));
                ArrayNode refs = op.putArray("messages");
                t.types().forEach(type -> refs.addObject().put("$ref", "#/channels/" + channelKey + "/messages/" + key(type.name())));
                op.putObject("x-herald").put("app", app);
            }
            for (BindingView b : bindingList) {
                if (!b.topic().equals(t.name())) {
                    continue;
                }
                ObjectNode op = operations.putObject(key("receive." + b.group() + "." + t.name() + "." + b.id()));
                op.put("action", "receive");
                op.putObject("channel").put("$ref", "#/channels/" + channelKey);
                op.put("title", b.group() + " receives from " + t.name());
                op.put("description", "Consumer group '" + b.group() + "' of app '" + b.app() + "': " + describe(b) + ".");
                ArrayNode refs = op.putArray("messages");
                Predicate<String> matches = matcher(b);
                String undecided = null;
                for (MessageTypeView type : t.types()) {
                    try {
                        if (matches.test(type.name())) {
                            refs.addObject().put("$ref", "#/channels/" + channelKey + "/messages/" + key(type.name()));
                        }
                    } catch (TypePatterns.BudgetExceeded e) {
                        // the pattern backtracks for too long: said in the document, the rest of the types not tried
                        undecided = "typePattern " + e.messageFor(TypePatterns.FIELD);
                        break;
                    }
                }
                ObjectNode kafkaOp = op.putObject("bindings").putObject("kafka");
                kafkaOp.putObject("groupId").put("type", "string").putArray("enum").add(b.group());
                kafkaOp.put("bindingVersion", KAFKA_BINDING);
                ObjectNode herald = op.putObject("x-herald");
                herald.put("app", b.app());
                herald.put("bindingId", b.id());
                herald.put("group", b.group());
                herald.put("kind", b.kind().name());
                if (b.typePattern() != null) {
                    herald.put("typePattern", b.typePattern());
                }
                if (undecided != null) {
                    herald.put("typePatternError", undecided);
                    op.put("description", op.get("description").asString() + " The messages it receives are not known: "
                            + undecided + ".");
                }
                herald.put("deliveryLimit", b.deliveryLimit());
                herald.put("deadLetterTopic", b.deadLetterTopic());
                herald.put("paused", b.paused());
            }
        }
        return doc;
    }

    private void servers(ObjectNode servers) {
        String[] brokers = kafka.bootstrap().split(",");
        for (int i = 0; i < brokers.length; i++) {
            ObjectNode s = servers.putObject(brokers.length == 1 ? "kafka" : "kafka-" + (i + 1));
            s.put("host", brokers[i].strip());
            s.put("protocol", "kafka");
            s.put("description", "A bootstrap broker of the Kafka cluster Herald manages");
            s.putObject("bindings").putObject("kafka").put("bindingVersion", KAFKA_BINDING);
        }
    }

    private ObjectNode message(TopicView topic, MessageTypeView type) {
        ObjectNode m = json.createObjectNode();
        m.put("name", type.name());
        m.put("title", type.name());
        if (type.description() != null) {
            m.put("summary", type.description());
        }
        m.put("contentType", "application/json");
        ObjectNode headers = m.putObject("headers");
        headers.put("type", "object");
        ObjectNode props = headers.putObject("properties");
        header(props, HeraldHeaders.CE_SPECVERSION, "CloudEvents spec version").putArray("enum").add("1.0");
        header(props, HeraldHeaders.CE_ID, "The message id");
        header(props, HeraldHeaders.CE_SOURCE, "The producing app");
        header(props, HeraldHeaders.CE_TYPE, "The message type").putArray("enum").add(type.name());
        header(props, HeraldHeaders.CE_TIME, "When the event happened (RFC 3339)").put("format", "date-time");
        header(props, "content-type", "The payload's media type");
        header(props, "ce_dataschema", "The schema the payload follows, when the producer names it");
        header(props, "traceparent", "W3C trace context, on traced messages");
        headers.putArray("required").add(HeraldHeaders.CE_SPECVERSION).add(HeraldHeaders.CE_ID)
                .add(HeraldHeaders.CE_SOURCE).add(HeraldHeaders.CE_TYPE);
        if (type.jsonSchema() != null) {
            m.set("payload", json.readTree(type.jsonSchema()));
        } else {
            m.putObject("payload").put("description", "Any payload: the type declares no JSON Schema");
        }
        ObjectNode kafkaMessage = m.putObject("bindings").putObject("kafka");
        kafkaMessage.putObject("key").put("type", "string").put("description", "The business key the producer gave; none when absent");
        kafkaMessage.put("bindingVersion", KAFKA_BINDING);
        return m;
    }

    private static ObjectNode header(ObjectNode props, String name, String description) {
        ObjectNode h = props.putObject(name);
        h.put("type", "string");
        h.put("description", description);
        return h;
    }

    private static String describe(BindingView b) {
        return switch (b.kind()) {
            case DIRECT -> "DIRECT binding on type '" + b.typePattern() + "'";
            case REGEX -> "REGEX binding on types matching '" + b.typePattern() + "'";
            case FANOUT -> "FANOUT binding on every type";
        };
    }

    private static Predicate<String> matcher(BindingView b) {
        if (b.kind() == BindingKind.FANOUT) {
            return type -> true;
        }
        if (b.kind() == BindingKind.DIRECT) {
            return type -> type.equals(b.typePattern());
        }
        try {
            // one time budget for all of the topic's types
            Pattern p = TypePatterns.compileStored(b.typePattern());
            TypePatterns.Budget budget = TypePatterns.budget();
            return type -> TypePatterns.matches(p, type, budget);
        } catch (PatternSyntaxException e) {
            return type -> false;
        }
    }

    /** A component key AsyncAPI accepts ({@code ^[a-zA-Z0-9.\-_]+$}). */
    static String key(String name) {
        return KEY_UNSAFE.matcher(name).replaceAll("_");
    }
}
