package io.herald.server.tx;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.herald.proto.v1.CheckRequest;
import io.herald.proto.v1.CheckResponse;
import io.herald.proto.v1.CheckerGrpc;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.HeraldTopics;
import io.herald.sdk.wire.TxProtocol;
import io.herald.server.common.HeaderCodec;
import io.herald.server.common.IntakeLoop;
import io.herald.server.egress.GrpcTargets;
import io.herald.server.ingest.EventPublisher;
import io.herald.server.provisioning.KafkaClientConfig;
import io.herald.server.provisioning.KafkaProvisioner;
import io.herald.server.egress.EgressPolicy;
import java.net.URI;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The transaction worker's threads on this instance. The intake reads half messages and
 * decisions (one consumer group over both topics, so instances split the partitions) into
 * {@code tx_message} and commits offsets only after the rows committed; the loop publishes
 * committed messages and sends due check-backs, taking rows with {@code SKIP LOCKED}, so every
 * instance can run it without double work.
 */
@Component
class TxWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TxWorkers.class);
    /** Headers of the half message that are not part of the final message. */
    private static final Set<String> CONTROL = Set.of(HeraldHeaders.TARGET_TOPIC, HeraldHeaders.TX, TxProtocol.KEY);
    private static final long RETENTION_MS = Duration.ofDays(7).toMillis();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Transactions transactions;
    private final KafkaClientConfig kafka;
    private final KafkaProvisioner provisioner;
    private final EventPublisher publisher;
    private final TxProperties props;
    private final Set<String> checkTopics = ConcurrentHashMap.newKeySet();
    /** Connects only to addresses {@link EgressPolicy} checked when it resolved the check address (no DNS rebinding). */
    private final CloseableHttpClient http;
    /** One channel per gRPC check-back address, kept while the worker runs. */
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final io.grpc.NameResolver.Factory grpcNames;
    /** Channels to gRPC check-back services (TLS trust: the JVM's CAs and herald.grpc.trust-certs). */
    private final GrpcTargets grpcTargets;
    /** Check-back addresses whose last call failed, with why: the first failure is logged as a warning, the rest at debug. */
    private final Map<String, String> failing = new ConcurrentHashMap<>();
    /** Messages whose HTTP or gRPC check-back call is under way on this instance. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private ExecutorService httpChecks;
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile Thread loop;

    TxWorkers(Transactions transactions, KafkaClientConfig kafka, KafkaProvisioner provisioner, EventPublisher publisher,
              TxProperties props, EgressPolicy egress, GrpcTargets grpcTargets) {
        this.grpcTargets = grpcTargets;
        this.grpcNames = egress.grpcResolver();
        this.transactions = transactions;
        this.kafka = kafka;
        this.provisioner = provisioner;
        this.publisher = publisher;
        this.props = props;
        Timeout timeout = Timeout.ofMilliseconds(props.httpTimeout().toMillis());
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().setDnsResolver(egress.httpResolver())
                        .setMaxConnTotal(16).setMaxConnPerRoute(4)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout).build())
                .disableRedirectHandling().disableAutomaticRetries().disableCookieManagement().disableAuthCaching()
                .setUserAgent("Herald").build();
    }

    @Override
    public void start() {
        if (!props.enabled()) {
            return;
        }
        running = true;
        httpChecks = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "herald-tx-check-back");
            t.setDaemon(true);
            return t;
        });
        Thread intake = new Thread(this::intakeLoop, "herald-tx-intake");
        Thread worker = new Thread(this::workLoop, "herald-tx-worker");
        loop = worker;
        for (Thread t : List.of(intake, worker)) {
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        for (Thread t : threads) {
            LockSupport.unpark(t);
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        if (httpChecks != null) {
            httpChecks.shutdownNow();
        }
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }

    private void workLoop() {
        long pollNanos = props.pollInterval().toNanos();
        long nextPurge = 0;
        while (running) {
            try {
                int published = transactions.publishCommitted();
                int checked = transactions.dueChecks(this::sendChecks, inFlight::contains);
                if (System.currentTimeMillis() >= nextPurge) {
                    transactions.purgeFinished();
                    nextPurge = System.currentTimeMillis() + 60_000;
                }
                if (published < props.batch() && checked < props.batch()) {
                    LockSupport.parkNanos(pollNanos);
                }
            } catch (RuntimeException e) {
                if (running) {
                    log.atLevel(io.herald.server.common.DatabaseUnavailableException.logLevel(e)).log("Transaction worker failed, trying again: {}", e.toString());
                    LockSupport.parkNanos(1_000_000_000L);
                }
            }
        }
    }

    /** Runs inside the transaction that counted the checks: Kafka checks are acknowledged before it commits. */
    private void sendChecks(List<Transactions.Check> checks) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Transactions.Check c : checks) {
            if ("HTTP".equals(c.protocol()) || "GRPC".equals(c.protocol())) {
                inFlight.add(c.messageId());
                try {
                    httpChecks.submit(() -> {
                        try {
                            if ("HTTP".equals(c.protocol())) {
                                httpCheck(c);
                            } else {
                                grpcCheck(c);
                            }
                        } finally {
                            inFlight.remove(c.messageId());
                        }
                    });
                } catch (RuntimeException e) {
                    inFlight.remove(c.messageId());
                    throw e;
                }
                continue;
            }
            String topic = HeraldTopics.txCheck(c.app());
            ensureCheckTopic(c.app());
            List<Header> headers = new ArrayList<>(6);
            headers.add(header(HeraldHeaders.CE_ID, c.messageId()));
            headers.add(header(HeraldHeaders.CE_SOURCE, "herald"));
            if (c.type() != null) {
                headers.add(header(HeraldHeaders.CE_TYPE, c.type()));
            }
            headers.add(header(HeraldHeaders.TARGET_TOPIC, c.topic()));
            headers.add(header(HeraldHeaders.TX, TxProtocol.CHECK));
            headers.add(header(TxProtocol.CHECK_NUMBER, String.valueOf(c.number())));
            if (c.key() != null) {
                headers.add(new RecordHeader(TxProtocol.KEY, c.key()));
            }
            records.add(new ProducerRecord<>(topic, null, null, c.messageId().getBytes(StandardCharsets.UTF_8), new byte[0], headers));
        }
        if (!records.isEmpty()) {
            publisher.sendAllAndWait(records);
        }
    }

    /** A producer without the SDK: POST the question, apply a COMMIT or ROLLBACK answer at once. */
    private void httpCheck(Transactions.Check c) {
        try {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("messageId", c.messageId());
            body.put("app", c.app());
            body.put("topic", c.topic());
            body.put("type", c.type());
            body.put("key", c.key() == null ? null : new String(c.key(), StandardCharsets.UTF_8));
            body.put("check", c.number());
            HttpPost request = new HttpPost(URI.create(c.address()));
            request.setEntity(new StringEntity(JSON.writeValueAsString(body), ContentType.APPLICATION_JSON));
            int[] status = new int[1];
            String answer = http.execute(request, response -> {
                status[0] = response.getCode();
                return response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8, 65_536);
            });
            if (status[0] / 100 != 2) {
                checkFailed(c, "answered HTTP " + status[0]);
                return;
            }
            answered(c);
            answer = answer.strip();
            if (answer.startsWith("{")) {
                JsonNode node = JSON.readTree(answer);
                answer = node.path("state").asString("");
            }
            answer = answer.toUpperCase(java.util.Locale.ROOT);
            if (answer.equals(TxProtocol.COMMIT) || answer.equals(TxProtocol.ROLLBACK)) {
                decided(c, answer.equals(TxProtocol.COMMIT), "http-check");
            }
        } catch (EgressPolicy.RefusedTargetException e) {
            checkFailed(c, e.getMessage());
        } catch (Exception e) {
            if (cannotConnect(e)) {
                away(c, e.toString());
            } else {
                checkFailed(c, e.toString());
            }
        }
    }

    /**
     * Whether a check-back failed before reaching the producer: connection refused, no route, unknown host, connect
     * timeout. Such a producer is away and the check does not count; an error status, a timeout after connecting or
     * an address the egress policy refuses counts as an unanswered check.
     */
    static boolean cannotConnect(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException || t instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The check could not connect: it does not count; the message stays pending up to the app's max-away. */
    private void away(Transactions.Check c, String why) {
        transactions.away(c);
        if (failing.put(c.address(), why) == null) {
            log.warn("{} check-back of two-phase message {} (app {}) could not connect to {}: {}. The producer is away: checks"
                    + " do not count until it answers again (for at most its max-away); further failures of this address are"
                    + " logged at debug", c.protocol(), c.messageId(), c.app(), c.address(), why);
        } else {
            log.debug("{} check-back of {} to {} could not connect: {}", c.protocol(), c.messageId(), c.address(), why);
        }
    }

    /**
     * A producer without the SDK that serves {@code herald.v1.Checker}: COMMIT or ROLLBACK is applied at
     * once; UNKNOWN, an error status or no answer within {@code herald.tx.grpc-deadline} leaves the
     * message pending until its next check.
     */
    private void grpcCheck(Transactions.Check c) {
        try {
            CheckRequest request = CheckRequest.newBuilder().setId(c.messageId()).setApp(text(c.app())).setTopic(text(c.topic()))
                    .setType(text(c.type())).setKey(c.key() == null ? "" : new String(c.key(), StandardCharsets.UTF_8))
                    .setAttempt(c.number()).build();
            CheckResponse response = CheckerGrpc.newBlockingStub(channels.computeIfAbsent(c.address(), a -> grpcTargets.channel(a, grpcNames)))
                    .withDeadlineAfter(props.grpcDeadline().toMillis(), TimeUnit.MILLISECONDS).check(request);
            answered(c);
            switch (response.getState()) {
                case COMMIT -> decided(c, true, "grpc-check");
                case ROLLBACK -> decided(c, false, "grpc-check");
                default -> log.debug("gRPC check-back of {} answered {}", c.messageId(), response.getState());
            }
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE && cannotConnect(e)) {
                away(c, "gRPC UNAVAILABLE: " + e.getStatus().getDescription());
                return;
            }
            checkFailed(c, e.getStatus().getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED
                    ? "no answer within " + props.grpcDeadline().toMillis() + " ms (gRPC DEADLINE_EXCEEDED)"
                    : "gRPC " + e.getStatus().getCode() + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription()));
        } catch (RuntimeException e) {
            checkFailed(c, e.toString());
        }
    }

    private void decided(Transactions.Check c, boolean commit, String by) {
        if (transactions.decide(List.of(new Transactions.Decision(c.messageId(), c.app(), commit, by))) > 0) {
            wakeUp();
        }
    }

    private void answered(Transactions.Check c) {
        transactions.present(c);
        if (failing.remove(c.address()) != null) {
            log.info("{} check-backs of app {} to {} answer again", c.protocol(), c.app(), c.address());
        }
    }

    /** The message stays pending and is asked again at its next check (or discarded after the last one). */
    private void checkFailed(Transactions.Check c, String why) {
        transactions.present(c); // not away (it answered with an error, too late, or the address is refused): the check counts
        if (failing.put(c.address(), why) == null) {
            log.warn("{} check-back of two-phase message {} (app {}) to {} failed: {}. It stays pending until a later check"
                    + " is answered or its checks run out; further failures of this address are logged at debug until it answers",
                    c.protocol(), c.messageId(), c.app(), c.address(), why);
        } else {
            log.debug("{} check-back of {} to {} failed: {}", c.protocol(), c.messageId(), c.address(), why);
        }
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private void ensureCheckTopic(String app) {
        if (app != null && !checkTopics.contains(app)) {
            provisioner.ensureTopic(HeraldTopics.txCheck(app), props.checkTopicPartitions(), Duration.ofDays(1).toMillis());
            checkTopics.add(app);
        }
    }

    private void wakeUp() {
        Thread t = loop;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void intakeLoop() {
        while (running) {
            try {
                provisioner.ensureTopic(HeraldTopics.TX_HALF, props.topicPartitions(), RETENTION_MS);
                provisioner.ensureTopic(HeraldTopics.TX_DECISION, props.topicPartitions(), RETENTION_MS);
                break;
            } catch (RuntimeException e) {
                log.warn("Cannot create the transaction topics yet ({}); trying again", e.getMessage());
                LockSupport.parkNanos(2_000_000_000L);
            }
        }
        Map<String, Object> config = kafka.base();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, props.intakeGroup());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "herald-tx-intake");
        IntakeLoop.run(() -> running, config, List.of(HeraldTopics.TX_HALF, HeraldTopics.TX_DECISION), c -> consumer = c,
                this::intake, "Transaction intake");
    }

    /** Halves first, then decisions: a decision in the same batch as its half then finds the row. */
    void intake(ConsumerRecords<byte[], byte[]> records) {
        List<Transactions.Half> halves = new ArrayList<>();
        List<Transactions.Decision> decisions = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String id = text(r, HeraldHeaders.CE_ID);
            if (id == null && r.key() != null) {
                id = new String(r.key(), StandardCharsets.UTF_8);
            }
            if (id == null) {
                log.warn("Record {}-{}@{} without message id ignored", r.topic(), r.partition(), r.offset());
                continue;
            }
            String app = text(r, HeraldHeaders.CE_SOURCE);
            if (r.topic().equals(HeraldTopics.TX_HALF)) {
                String target = text(r, HeraldHeaders.TARGET_TOPIC);
                if (target == null || target.isBlank()) {
                    log.warn("Half message {} without {} ignored", id, HeraldHeaders.TARGET_TOPIC);
                    continue;
                }
                Header key = r.headers().lastHeader(TxProtocol.KEY);
                halves.add(new Transactions.Half(id, app, target, text(r, HeraldHeaders.CE_TYPE), key == null ? null : key.value(),
                        r.value(), HeaderCodec.encode(r.headers(), CONTROL)));
                ensureCheckTopicQuietly(app);
            } else {
                String value = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8).strip();
                if (!value.equals(TxProtocol.COMMIT) && !value.equals(TxProtocol.ROLLBACK)) {
                    log.warn("Decision for {} is neither COMMIT nor ROLLBACK ('{}'); ignored", id, value);
                    continue;
                }
                String origin = text(r, HeraldHeaders.TX);
                decisions.add(new Transactions.Decision(id, app, value.equals(TxProtocol.COMMIT), origin == null ? "producer" : origin));
            }
        }
        transactions.storeHalves(halves);
        if (transactions.decide(decisions) > 0) {
            wakeUp();
        }
    }

    /** Check topics are created before the first check so that the app's SDK consumers find them early. */
    private void ensureCheckTopicQuietly(String app) {
        try {
            ensureCheckTopic(app);
        } catch (RuntimeException e) {
            log.debug("Check topic of {} not created yet: {}", app, e.toString());
        }
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
