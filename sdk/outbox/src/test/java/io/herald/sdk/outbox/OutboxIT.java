package io.herald.sdk.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.testing.TestKafka;
import io.herald.sdk.wire.HeraldHeaders;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/** The outbox against real PostgreSQL and Kafka, with Spring's JDBC transactions. */
class OutboxIT {

    static SimpleDriverDataSource dataSource;
    private final List<Outbox> outboxes = new ArrayList<>();
    private JdbcTemplate jdbc;
    private TransactionTemplate tx;
    private String topic;

    @BeforeAll
    static void database() throws SQLException {
        String admin = env("HERALD_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String user = env("HERALD_TEST_DB_USER", "postgres");
        String password = env("HERALD_TEST_DB_PASSWORD", "");
        String name = "herald_outbox_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(admin, user, password)) {
            c.createStatement().execute("CREATE DATABASE " + name);
        }
        int slash = admin.lastIndexOf('/');
        int query = admin.indexOf('?', slash);
        String url = admin.substring(0, slash + 1) + name + (query > 0 ? admin.substring(query) : "");
        dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), url, user, password);
        Outbox.createTable(dataSource);
        new JdbcTemplate(dataSource).execute("CREATE TABLE orders (id varchar(100) PRIMARY KEY, amount int)");
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    @BeforeEach
    void setUp() {
        jdbc = new JdbcTemplate(dataSource);
        tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        topic = TestKafka.uniqueTopic("outbox");
        TestKafka.createTopics(3, topic);
        jdbc.update("DELETE FROM herald_outbox");
    }

    @AfterEach
    void tearDown() {
        outboxes.forEach(Outbox::close);
    }

    private Outbox outbox() {
        return outbox(Duration.ofSeconds(1));
    }

    private Outbox outbox(Duration lookBack) {
        Outbox o = Outbox.builder().withDataSource(dataSource).withAppName("shop").withKafkaBootstrap(TestKafka.bootstrap())
                .withPollInterval(Duration.ofMillis(50)).lookBack(lookBack).build();
        outboxes.add(o);
        return o;
    }

    private static List<ConsumerRecord<byte[], byte[]>> records(String topic, int atLeast, Duration quiet) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrap());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            long quietUntil = System.currentTimeMillis() + quiet.toMillis();
            while (System.currentTimeMillis() < deadline && (out.size() < atLeast || System.currentTimeMillis() < quietUntil)) {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
            }
            return out;
        }
    }

    private static String text(ConsumerRecord<byte[], byte[]> r, String header) {
        return new String(r.headers().lastHeader(header).value(), StandardCharsets.UTF_8);
    }

    @Test
    void rolledBackTransactionPublishesNothing() {
        Outbox outbox = outbox().start();
        try {
            tx.executeWithoutResult(s -> {
                jdbc.update("INSERT INTO orders VALUES ('o-1', 10)");
                outbox.send(topic, "order-created", "o-1", Map.of("id", "o-1"));
                throw new IllegalStateException("payment declined");
            });
        } catch (IllegalStateException expected) {
            // rolled back
        }
        String committed = tx.execute(s -> {
            jdbc.update("INSERT INTO orders VALUES ('o-2', 20)");
            return outbox.send(topic, "order-created", "o-2", Map.of("id", "o-2"));
        });

        List<ConsumerRecord<byte[], byte[]>> got = records(topic, 1, Duration.ofSeconds(2));
        assertThat(got).extracting(r -> text(r, HeraldHeaders.CE_ID)).containsExactly(committed);
        ConsumerRecord<byte[], byte[]> r = got.get(0);
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("o-2");
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"o-2\"}");
        assertThat(text(r, HeraldHeaders.CE_TYPE)).isEqualTo("order-created");
        assertThat(text(r, HeraldHeaders.CE_SOURCE)).isEqualTo("shop");
        assertThat(text(r, HeraldHeaders.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders", Long.class)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(60)).until(() -> outbox.pending() == 0);
    }

    @Test
    void committedThenCrashBeforeRelayIsPublishedExactlyOnceAfterRestart() {
        // given: the service commits and dies before its relay ran
        Outbox crashed = outbox();
        String id = tx.execute(s -> {
            jdbc.update("INSERT INTO orders VALUES ('c-1', 1)");
            return crashed.send(topic, "order-created", "c-1", "created");
        });
        crashed.close();
        assertThat(records(topic, 0, Duration.ofMillis(500))).isEmpty();

        // when: it restarts
        Outbox restarted = outbox().start();

        // then
        await().atMost(Duration.ofSeconds(60)).until(() -> restarted.pending() == 0);
        assertThat(records(topic, 1, Duration.ofSeconds(2))).extracting(r -> text(r, HeraldHeaders.CE_ID)).containsExactly(id);
    }

    @io.herald.sdk.DataObject(name = "outbox-orders")
    public interface OrderDao {
        void insertOrder(String id, int amount);
    }

    @Test
    void dataEventsThroughTheOutboxArePublishedOnlyWhenTheDaoTransactionCommits() throws Exception {
        String dataTopic = "data.outbox-orders";
        TestKafka.createTopics(1, dataTopic);
        Outbox outbox = outbox().start();
        try (io.herald.sdk.Herald herald = io.herald.sdk.Herald.builder().withAppName("shop")
                .withKafkaBootstrap(TestKafka.bootstrap()).withSetting("herald.config-cache.dir", "").build()) {
            OrderDao dao = herald.dataObject(OrderDao.class,
                    (id, amount) -> jdbc.update("INSERT INTO orders VALUES (?, ?)", id, amount), outbox.dataEventSink());
            try {
                tx.executeWithoutResult(s -> {
                    dao.insertOrder("d-1", 1);
                    throw new IllegalStateException("rolled back");
                });
            } catch (IllegalStateException expected) {
                // rolled back
            }
            tx.executeWithoutResult(s -> dao.insertOrder("d-2", 2));
        }
        List<ConsumerRecord<byte[], byte[]>> got = records(dataTopic, 1, Duration.ofSeconds(2));
        assertThat(got).hasSize(1);
        assertThat(text(got.get(0), HeraldHeaders.CE_TYPE)).isEqualTo("insertOrder");
        assertThat(new String(got.get(0).value(), StandardCharsets.UTF_8)).contains("\"args\":[\"d-2\",2]");
    }

    @Test
    void relaysInOrderPerKeyWithSeveralRelaysRunning() {
        Outbox first = outbox().start();
        Outbox second = outbox().start();
        int n = 3000;
        for (int i = 0; i < n; i++) {
            int seq = i;
            tx.executeWithoutResult(s -> (seq % 2 == 0 ? first : second).send(topic, "step", "k" + (seq % 7), String.valueOf(seq)));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> first.pending() == 0);
        List<ConsumerRecord<byte[], byte[]>> got = records(topic, n, Duration.ofSeconds(1));
        assertThat(got).hasSize(n);
        Map<String, Integer> last = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : got) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            int seq = Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8));
            assertThat(seq).as("order of key %s", key).isGreaterThan(last.getOrDefault(key, -1));
            last.put(key, seq);
        }
    }
    @Test
    void rowCommittedAfterHigherIdsWereRelayedIsStillRelayedExactlyOnce() throws Exception {
        Outbox outbox = outbox(Duration.ZERO).start(); // look back at every turn: the busy relay finds the late row itself
        List<String> expected = new ArrayList<>();
        // given: a transaction takes the lowest id and stays open while many later rows commit and are relayed
        try (Connection slow = dataSource.getConnection()) {
            slow.setAutoCommit(false);
            expected.add(outbox.send(slow, topic, "step", "late", "late"));
            tx.executeWithoutResult(s -> {
                for (int i = 0; i < 20_000; i++) {
                    expected.add(outbox.send(topic, "step", "k" + (i % 13), String.valueOf(i)));
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> outbox.pending() < 15_000); // the relay is past the open row's id

            // when: it commits while the relay is still busy with the others
            slow.commit();
        }

        // then: every message exactly once, the late one included
        await().atMost(Duration.ofSeconds(60)).until(() -> outbox.pending() == 0);
        List<String> got = records(topic, expected.size(), Duration.ofSeconds(2)).stream().map(r -> text(r, HeraldHeaders.CE_ID)).toList();
        assertThat(got).hasSize(expected.size()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void standbyRelayTakesOverWhenTheActiveOneStops() {
        Outbox active = outbox().start();
        Outbox standby = outbox().start();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            expected.add(tx.execute(s -> active.send(topic, "step", "k", "before")));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> active.pending() == 0);

        active.close();
        for (int i = 0; i < 10; i++) {
            expected.add(tx.execute(s -> standby.send(topic, "step", "k", "after")));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> standby.pending() == 0);
        assertThat(records(topic, expected.size(), Duration.ofSeconds(1))).extracting(r -> text(r, HeraldHeaders.CE_ID))
                .containsExactlyElementsOf(expected);
    }
}
