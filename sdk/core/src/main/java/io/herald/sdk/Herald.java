package io.herald.sdk;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.sdk.internal.codec.PayloadCodec;
import io.herald.sdk.internal.data.DataEvents;
import io.herald.sdk.internal.data.DataListenerScanner;
import io.herald.sdk.internal.config.HeraldConfig;
import io.herald.sdk.internal.kafka.KafkaTransport;
import io.herald.sdk.internal.listen.Endpoint;
import io.herald.sdk.internal.listen.ListenScanner;
import io.herald.sdk.internal.listen.ListenerInvoker;
import io.herald.sdk.internal.listen.ListenerRegistry;
import io.herald.sdk.internal.metrics.HeraldMetrics;
import io.herald.sdk.internal.push.ConfigAgent;
import io.herald.sdk.internal.push.ControlPlaneClient;
import io.herald.sdk.internal.push.SnapshotCache;
import io.herald.sdk.internal.send.Catalog;
import io.herald.sdk.internal.send.DefaultMessageSender;
import io.herald.sdk.internal.trace.KafkaTraceSink;
import io.herald.sdk.internal.trace.Tracer;
import io.herald.sdk.internal.trace.TransportTraceSink;
import io.herald.sdk.wire.TracingConfig;
import io.herald.sdk.internal.tx.CheckResponder;
import io.herald.sdk.internal.tx.TwoPhaseSender;
import io.herald.sdk.spi.Subscription;
import io.herald.sdk.spi.SubscriptionSpec;
import io.herald.sdk.wire.HeraldTopics;
import io.herald.sdk.wire.TxProtocol;
import io.herald.sdk.spi.Transport;
import io.herald.sdk.wire.ConfigSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.herald.sdk.HeraldSettings.*;

/**
 * The Herald client of one app instance: a {@link MessageSender}, the listeners, and the live
 * configuration from the control plane.
 *
 * <pre>{@code
 * Herald herald = Herald.builder()
 *         .withAppName("billing")
 *         .withControlPlane("http://herald:8080", apiKey)
 *         .withKafkaBootstrap("localhost:9092")
 *         .build();
 * herald.listen(Binding.direct("trade", "pay-succ"), Payment.class, m -> bill(m.payload()));
 * herald.start();
 * herald.sender().send("trade", "pay-succ", orderId, payment);
 * ...
 * herald.close();
 * }</pre>
 *
 * <p>{@link #start()} loads the cached snapshot, registers the code-declared bindings with the
 * control plane, waits up to {@code herald.control-plane.startup-timeout-ms} for the current
 * snapshot, starts the listeners and then follows the control plane live (long-poll, heartbeat).
 * The control plane being down never stops sending or listening. {@link #close()} stops
 * polling, lets in-flight handlers finish, commits, deregisters the instance from the control
 * plane (so the console no longer counts it as online) and closes. Sending works as soon as the
 * client is built.
 */
public final class Herald implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Herald.class);

    private final HeraldConfig config;
    private final String instanceId;
    private final Transport transport;
    private final boolean ownsTransport;
    private final PayloadCodec codec;
    private final HeraldMetrics metrics;
    private final DefaultMessageSender sender;
    private final ListenerRegistry registry;
    private final ConfigAgent agent;
    private final ListenScanner scanner;
    private final DataEvents dataEvents;
    private final io.herald.sdk.internal.data.DataEventFailures dataFailures;
    private final TwoPhaseSender twoPhase;
    private final TransactionChecker transactionChecker;
    private volatile Subscription checkSubscription;
    private volatile Catalog catalog = Catalog.NONE;
    private final Tracer tracer;
    private volatile TracingConfig tracing = TracingConfig.DEFAULT;
    private volatile boolean started;
    private volatile boolean closed;

    Herald(HeraldBuilder b) {
        this.config = HeraldConfig.of(b.settings, b.kafkaProperties);
        String app = config.app();
        this.instanceId = app + "-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectMapper mapper = b.objectMapper != null ? b.objectMapper : PayloadCodec.defaultMapper();
        this.codec = new PayloadCodec(mapper);
        this.metrics = new HeraldMetrics(config.getBoolean(METRICS_ENABLED) ? b.meterRegistry : null, app);
        this.ownsTransport = b.transport == null;
        this.transport = b.transport != null ? b.transport : new KafkaTransport(config, instanceId);
        this.sender = new DefaultMessageSender(transport, () -> catalog, codec, metrics, app,
                config.getBoolean(PRODUCER_VALIDATE), config.getString(PRODUCER_DEFAULT_TYPE),
                config.getLong(PRODUCER_DELIVERY_TIMEOUT_MS) + config.getLong(PRODUCER_MAX_BLOCK_MS));
        this.twoPhase = new TwoPhaseSender(transport, () -> catalog, codec, app, config.getBoolean(PRODUCER_VALIDATE),
                config.getLong(PRODUCER_DELIVERY_TIMEOUT_MS) + config.getLong(PRODUCER_MAX_BLOCK_MS));
        this.transactionChecker = b.transactionChecker;
        this.registry = new ListenerRegistry(transport, metrics, config, instanceId);
        this.tracer = tracer(b);
        sender.tracing(tracer);
        sender.maxDelay(config.getLong(PRODUCER_MAX_DELAY_MS));
        registry.tracer(tracer);
        this.scanner = new ListenScanner(codec);
        this.dataFailures = new io.herald.sdk.internal.data.DataEventFailures(metrics, tracer, app, instanceId);
        this.dataEvents = new DataEvents(sender, codec.mapper(), dataFailures);
        ObjectMapper wire = PayloadCodec.defaultMapper();
        String url = config.getString(CONTROL_PLANE_URL);
        ControlPlaneClient client = url == null ? null : new ControlPlaneClient(url, app,
                config.getString(CONTROL_PLANE_API_KEY), Duration.ofMillis(config.getLong(CONTROL_PLANE_REQUEST_TIMEOUT_MS)), wire);
        this.agent = new ConfigAgent(client, new SnapshotCache(config.getString(CONFIG_CACHE_DIR), app, wire), config,
                registry, this::apply, instanceId, hostName(), sdkVersion());
        agent.transactionChecker(transactionChecker != null);
        if (b.staticSnapshot != null) {
            agent.applyStatic(b.staticSnapshot);
        }
    }

    /** A new builder. */
    public static HeraldBuilder builder() {
        return new HeraldBuilder();
    }

    /** Timepoints to herald.trace: with its own producer over Kafka, else through the given transport. */
    private Tracer tracer(HeraldBuilder b) {
        if (!config.getBoolean(TRACING_ENABLED)) {
            return Tracer.OFF;
        }
        return new Tracer(config.app(), instanceId, config.getInt(TRACING_QUEUE_CAPACITY), () -> tracing,
                b.traceparentSupplier,
                transport instanceof KafkaTransport kafka
                        ? new KafkaTraceSink(kafka.producerProperties(), instanceId + "-trace", config.getLong(TRACING_LINGER_MS),
                                config.getString(TRACING_COMPRESSION))
                        : new TransportTraceSink(transport),
                config.getBoolean(METRICS_ENABLED) ? b.meterRegistry : null)
                .perRecord(config.getInt(TRACING_TIMEPOINTS_PER_RECORD))
                .maxRecordBytes(config.getInt(TRACING_RECORD_MAX_BYTES))
                .linger(Duration.ofMillis(config.getLong(TRACING_LINGER_MS)));
    }

    private void apply(ConfigSnapshot snapshot) {
        tracing = snapshot.tracing();
        catalog = Catalog.of(snapshot, codec.mapper(),
                config.getBoolean(PRODUCER_DATASCHEMA) ? config.getString(CONTROL_PLANE_URL) : null);
        registry.apply(snapshot);
    }

    /** The sender; usable before {@link #start()}. */
    public MessageSender sender() {
        return sender;
    }

    /**
     * Sends a two-phase message: "this message exists if and only if my local transaction
     * committed". The message is first written durably as a half message that no consumer sees;
     * then {@code localTransaction} runs; then COMMIT or ROLLBACK is sent and the server publishes
     * the message to {@code topic} (exactly once, with the returned id as {@code ce_id}) or drops
     * it. If the decision never arrives (the process died, Kafka lost the answer, the local
     * transaction said UNKNOWN), the server asks the app's {@link TransactionChecker} after the
     * app's check interval, again every interval up to its maximum number of checks, then
     * discards the message. Blocks until the half message is acknowledged and the local transaction returned; the decision
     * is sent without waiting (a lost one is settled by the check-back).
     *
     * @throws LocalTransactionException when the local transaction threw (the message is rolled back)
     * @throws HeraldException when the half message could not be written (the local transaction did not run)
     */
    public TransactionResult sendTransactional(String topic, String type, String key, Object payload,
                                               LocalTransaction localTransaction) {
        return twoPhase.send(topic, type, key, payload, localTransaction);
    }

    /**
     * Registers a listener for a binding. May be called before or after {@link #start()}; the
     * binding is registered with the control plane, whose settings then apply.
     *
     * @param binding     what to receive
     * @param payloadType the payload type: a POJO class (read from JSON), {@code String.class} or {@code byte[].class}
     * @param handler     called for each matching message
     */
    public <T> Herald listen(Binding binding, Class<T> payloadType, MessageHandler<T> handler) {
        add(new Endpoint(binding, groupOf(binding), ListenerInvoker.forHandler(codec, payloadType, handler)));
        return this;
    }

    /**
     * Wraps a DAO so that its intercepted calls publish data events (see {@link DataObject}); plain
     * Java, for interfaces (the Spring starter wraps annotated beans by itself).
     */
    public <T> T dataObject(Class<T> daoInterface, T dao) {
        T proxy = dataEvents.proxy(daoInterface, dao);
        declareDataObject(daoInterface, dao.getClass());
        return proxy;
    }

    /**
     * Like {@link #dataObject(Class, Object)}, with the events going to {@code sink} (e.g. the
     * outbox's, so they are published only when the DAO's transaction commits).
     */
    public <T> T dataObject(Class<T> daoInterface, T dao, DataEventSink sink) {
        T proxy = new DataEvents(sink, codec.mapper(), dataFailures).proxy(daoInterface, dao);
        declareDataObject(daoInterface, dao.getClass());
        return proxy;
    }

    /**
     * Declares the catalog entry a data object's events need: the topic {@code data.<name>} owned by
     * this app, with one message type per intercepted method ({@code <method>}, {@code <method>_X})
     * and per "before" event. {@link #start()} registers what the catalog lacks, the way it
     * registers code-declared bindings: the control plane creates the topic (in Kafka too) or adds
     * the missing types, audited. {@link #dataObject(Class, Object)} and the Spring starter call this
     * for every DAO they wrap; call it yourself for a DAO you intercept otherwise.
     *
     * @param type            the {@code @DataObject} class or interface, or a class implementing one
     * @param implementations classes of the intercepted DAO whose further public methods also publish
     * @throws IllegalArgumentException when the type is no data object and implements none
     * @throws HeraldConfigException    after {@link #start()}, when the topic belongs to another app
     *                                  that does not let this one publish these types (the same
     *                                  refusal fails {@link #start()} when declared before it)
     */
    public Herald declareDataObject(Class<?> type, Class<?>... implementations) {
        Class<?> dataObject = DataEvents.annotatedType(type);
        if (dataObject == null) {
            throw new IllegalArgumentException(type.getName() + " is not a @DataObject and implements or extends none");
        }
        agent.declareDataTopic(new io.herald.sdk.internal.push.DataTopic(DataEvents.topic(dataObject), dataObject.getName(),
                DataEvents.eventTypes(dataObject, implementations)));
        return this;
    }

    /**
     * The data-event publisher of this client, for frameworks that intercept DAOs themselves (the
     * Spring starter).
     *
     * @param sink where the events go; null means this client's sender
     * @return the publisher
     */
    public DataEventPublisher dataEventPublisher(DataEventSink sink) {
        return sink == null ? dataEvents : new DataEvents(sink, codec.mapper(), dataFailures);
    }

    /**
     * Registers a {@link DataListener @DataListener} object: its {@code on<Method>} and
     * {@code on<Method>_X} methods receive the data object's events.
     *
     * @throws IllegalArgumentException naming a listener method that matches no intercepted method
     */
    public Herald registerDataListener(Object listener) {
        DataListenerScanner.Found found = new DataListenerScanner(codec.mapper(), dataEvents).scan(listener);
        Binding binding = Binding.fanout(found.topic());
        if (found.group() != null) {
            binding = binding.withGroup(found.group());
        }
        return listen(binding, byte[].class, found.handler());
    }

    /**
     * Registers every {@link Listen @Listen} method of {@code listener} (or its {@code onMessage}
     * method when the class carries {@code @Listen}).
     *
     * @throws IllegalArgumentException when the object has no valid {@code @Listen} listener
     */
    public Herald register(Object listener) {
        return register(listener, UnaryOperator.identity());
    }

    /**
     * Like {@link #register(Object)}, with every {@code @Listen} text attribute passed through
     * {@code resolver} first (frameworks resolve their placeholders this way).
     */
    public Herald register(Object listener, UnaryOperator<String> resolver) {
        List<ListenScanner.Found> found = scanner.scan(listener, resolver);
        if (found.isEmpty()) {
            throw new IllegalArgumentException(listener.getClass().getName() + " has no @Listen listener");
        }
        for (ListenScanner.Found f : found) {
            add(new Endpoint(f.binding(), groupOf(f.binding()), f.invoker()));
        }
        return this;
    }

    private void add(Endpoint endpoint) {
        if (closed) {
            throw new IllegalStateException("Herald is closed");
        }
        registry.add(endpoint);
        agent.endpointAdded();
    }

    private String groupOf(Binding binding) {
        return binding.group() != null ? binding.group() : config.app();
    }

    /** Starts listening and following the control plane. Idempotent. */
    public synchronized Herald start() {
        if (closed) {
            throw new IllegalStateException("Herald is closed");
        }
        if (!started) {
            agent.start();
            registry.start();
            if (transactionChecker != null) {
                checkSubscription = transport.subscribe(new SubscriptionSpec(TxProtocol.checkGroup(config.app()),
                        HeraldTopics.txCheck(config.app()), 1, instanceId + "-tx-check"),
                        new CheckResponder(twoPhase, transactionChecker, config.app()));
            }
            started = true;
            log.info("Herald {} started (app {}, config version {}, {} listener(s))", instanceId, config.app(),
                    agent.appliedVersion(), registry.endpoints().size());
            io.herald.sdk.internal.StartupLine.printIfUnlogged("Herald " + instanceId + " started (app " + config.app()
                    + ", SDK " + sdkVersion() + ", config version " + agent.appliedVersion() + ", listeners: "
                    + registry.endpoints() + ")", System.err);
        }
        return this;
    }

    /**
     * Graceful stop: listeners finish in-flight messages and commit, the instance leaves the control
     * plane's registry (at most 5 s more when the control plane is slow), buffered sends are flushed. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        agent.close();
        Subscription checks = checkSubscription;
        if (checks != null) {
            checks.close(Duration.ofMillis(config.getLong(SHUTDOWN_TIMEOUT_MS)));
        }
        registry.close(Duration.ofMillis(config.getLong(SHUTDOWN_TIMEOUT_MS)));
        // the listeners have stopped: leave the control plane's registry now rather than turn stale later
        agent.deregister();
        tracer.close(Duration.ofSeconds(5));
        if (ownsTransport) {
            transport.close();
        }
        log.info("Herald {} closed", instanceId);
    }

    /** The app name. */
    public String app() {
        return config.app();
    }

    /** This instance's id, as sent in heartbeats. */
    public String instanceId() {
        return instanceId;
    }

    /** The config version in force (0 when none). */
    public long configVersion() {
        return agent.appliedVersion();
    }

    /**
     * Why the newest config snapshot received could not be applied, or {@code null} when it was. Such a
     * snapshot (for example with a REGEX binding whose pattern does not compile in Java, or a dead-letter
     * topic whose name Kafka refuses) is not applied at
     * all: the SDK keeps running on {@link #configVersion()}, and reports the error in its heartbeats,
     * so it shows on the control plane's instances page and in {@code herald_config_apply_errors}.
     */
    public String configApplyError() {
        return agent.applyError();
    }

    /** Whether the last call to the control plane succeeded. */
    public boolean isControlPlaneReachable() {
        return agent.isControlPlaneReachable();
    }

    /** Whether the listeners of (group, topic) are subscribed and not paused. */
    public boolean isListening(String group, String topic) {
        return registry.isConsuming(group, topic);
    }

    public boolean isStarted() {
        return started && !closed;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String sdkVersion() {
        try (InputStream in = Herald.class.getResourceAsStream("herald-sdk.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The settings table of {@link HeraldSettings#markdownTable()}: Herald is the one public class that reaches the internals. */
    static String settingsTable() {
        return HeraldConfig.TABLE.toMarkdown();
    }
}
