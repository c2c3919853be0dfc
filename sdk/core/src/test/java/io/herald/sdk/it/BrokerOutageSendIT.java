package io.herald.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.BrokerUnavailableException;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.SendOptions;
import io.herald.sdk.SendResult;
import io.herald.sdk.wire.HeraldHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A blocking send with a dead broker (its process killed with SIGKILL) keeps the documented limit:
 * it throws within {@code max-block-ms + delivery-timeout-ms}, the exception names the Kafka limit
 * that expired and the attempted message id, the outage is logged once, and the send repeated
 * with that id once the broker is back writes one record with that {@code ce_id}.
 */
class BrokerOutageSendIT {

    private static final long MAX_BLOCK_MS = 1_000;
    private static final long DELIVERY_TIMEOUT_MS = 2_000;
    /** Scheduling slack on a loaded machine; the limit itself is MAX_BLOCK_MS + DELIVERY_TIMEOUT_MS. */
    private static final long SLACK_MS = 1_000;

    private static Path root;
    private static Path dir;
    private static int port;
    private static int controllerPort;
    private static String bootstrap;

    @BeforeAll
    static void startBroker() throws Exception {
        root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().getParent();
        dir = Files.createTempDirectory("herald-broker-outage");
        port = freePort();
        controllerPort = freePort();
        bootstrap = "127.0.0.1:" + port;
        startKafka();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (dir != null) {
            run(root.resolve("ops/lib/kafka.sh").toString(), "stop", dir.toString());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void startKafka() throws Exception {
        run(root.resolve("ops/lib/kafka.sh").toString(), "start", dir.toString(), Integer.toString(port), Integer.toString(controllerPort));
    }

    private static void run(String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("HERALD_KAFKA_HEAP_OPTS", "-Xms128m -Xmx384m");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }

    private static void killBroker() throws Exception {
        long pid = Long.parseLong(Files.readString(dir.resolve("kafka.pid")).trim());
        ProcessHandle broker = ProcessHandle.of(pid).orElseThrow();
        broker.destroyForcibly(); // SIGKILL
        await().atMost(Duration.ofSeconds(60)).until(() -> !broker.isAlive());
    }

    private static void createTopic(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int atLeast) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 60_000;
            long quietUntil = Long.MAX_VALUE;
            while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                if (out.size() >= atLeast && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.currentTimeMillis() + 2_000; // a duplicate would show up by then
                }
            }
        }
        return out;
    }

    private static String ceId(ConsumerRecord<byte[], byte[]> r) {
        Header h = r.headers().lastHeader(HeraldHeaders.CE_ID);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void blockingSendThrowsWithinItsLimitNamingItAndARetryWithTheSameIdWritesOneRecord() throws Exception {
        String topic = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        String unseen = "unseen-" + UUID.randomUUID().toString().substring(0, 8);
        createTopic(topic);
        createTopic(unseen);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(new Tee(originalErr, captured), true, StandardCharsets.UTF_8));
        try (Herald herald = Herald.builder()
                .withAppName("outage-app")
                .withKafkaBootstrap(bootstrap)
                .withKafkaProperty("request.timeout.ms", "1000")
                .withSetting(HeraldSettings.PRODUCER_MAX_BLOCK_MS, MAX_BLOCK_MS)
                .withSetting(HeraldSettings.PRODUCER_DELIVERY_TIMEOUT_MS, DELIVERY_TIMEOUT_MS)
                .withSetting(HeraldSettings.PRODUCER_LINGER_MS, 0)
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, dir.resolve("cache").toString())
                .withSetting(HeraldSettings.TRACING_ENABLED, false)
                .build().start()) {
            // given a producer that has sent to the topic (its metadata is known)
            herald.sender().send(topic, "created", "k", "before");

            // when the broker process is killed
            killBroker();
            long outageStart = System.currentTimeMillis();

            // then every blocking send throws within max-block + delivery timeout, naming the limit and the id
            List<String> failedIds = new ArrayList<>();
            Map<String, Integer> limits = new java.util.TreeMap<>();
            long slowest = 0;
            for (int i = 0; i < 10; i++) {
                String id = "order-" + i;
                long t0 = System.nanoTime();
                BrokerUnavailableException e = catchThrowableOfType(BrokerUnavailableException.class,
                        () -> herald.sender().send(topic, "created", "k", "during-" + id, SendOptions.defaults().withMessageId(id)));
                long took = (System.nanoTime() - t0) / 1_000_000;
                slowest = Math.max(slowest, took);
                assertThat(e).as("send " + i).isNotNull();
                assertThat(took).as("send %d took %d ms", i, took).isLessThanOrEqualTo(MAX_BLOCK_MS + DELIVERY_TIMEOUT_MS + SLACK_MS);
                assertThat(e.messageId()).isEqualTo(id);
                assertThat(e.getMessage()).contains(id);
                // the record waits for the dead leader (delivery.timeout.ms) or, once the producer dropped the
                // partition's metadata, send() waits for new metadata (max.block.ms): either way the message says which
                assertThat(e.expiredLimit()).isIn(BrokerUnavailableException.DELIVERY_TIMEOUT, BrokerUnavailableException.MAX_BLOCK);
                assertThat(e.getMessage()).contains(e.expiredLimit() + "=");
                limits.merge(e.expiredLimit(), 1, Integer::sum);
                failedIds.add(id);
            }
            // a generated id is named too
            BrokerUnavailableException generated = catchThrowableOfType(BrokerUnavailableException.class,
                    () -> herald.sender().send(topic, "created", "k", "generated"));
            assertThat(generated.messageId()).isNotBlank();

            // a topic whose metadata the producer never had: the wait for metadata (max.block.ms) expires
            long t0 = System.nanoTime();
            BrokerUnavailableException blocked = catchThrowableOfType(BrokerUnavailableException.class,
                    () -> herald.sender().send(unseen, "created", "k", "x", SendOptions.defaults().withMessageId("unseen-1")));
            long took = (System.nanoTime() - t0) / 1_000_000;
            assertThat(blocked.expiredLimit()).isEqualTo(BrokerUnavailableException.MAX_BLOCK);
            assertThat(blocked.getMessage()).contains("max.block.ms=" + MAX_BLOCK_MS).contains("unseen-1");
            assertThat(took).isLessThanOrEqualTo(MAX_BLOCK_MS + DELIVERY_TIMEOUT_MS + SLACK_MS);

            // one warning for the whole outage, not one per record
            String log = captured.toString(StandardCharsets.UTF_8);
            long warnings = log.lines().filter(l -> l.contains("WARN") && l.contains("KafkaTransport")).count();
            assertThat(warnings).as(log).isEqualTo(1);

            // when the broker is back, the failed sends repeated with their ids
            startKafka();
            long outageMs = System.currentTimeMillis() - outageStart;
            for (String id : failedIds) {
                SendResult r = await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(BrokerUnavailableException.class)
                        .until(() -> herald.sender().send(topic, "created", "k", "retry-" + id, SendOptions.defaults().withMessageId(id)),
                                x -> x != null);
                assertThat(r.messageId()).isEqualTo(id);
            }

            // then each id is in the topic once: nothing doubled
            List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, 1 + failedIds.size());
            Map<String, Long> perId = new java.util.TreeMap<>();
            records.forEach(r -> perId.merge(ceId(r), 1L, Long::sum));
            for (String id : failedIds) {
                assertThat(perId.get(id)).as(id + " in " + perId).isEqualTo(1L);
            }
            originalErr.printf("BrokerOutageSendIT: outage %d ms, slowest failed send %d ms, metadata wait %d ms, "
                               + "limits %s, %d warning line(s), %d records, ids repeated %d%n", outageMs, slowest, took, limits, warnings,
                    records.size(), perId.values().stream().filter(n -> n > 1).count());
        } finally {
            System.setErr(originalErr);
        }
    }

    /** Writes to the console and to the capture. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
