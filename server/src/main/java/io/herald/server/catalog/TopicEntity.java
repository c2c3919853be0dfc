package io.herald.server.catalog;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.JoinTable;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hibernate.annotations.BatchSize;

@Entity
@Table(name = "topic")
class TopicEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    @Column(nullable = false, unique = true)
    String name;

    @Column(name = "collision_name", nullable = false, unique = true)
    String collisionName;

    @ManyToOne(fetch = FetchType.EAGER, optional = false)
    @JoinColumn(name = "app_id")
    AppEntity app;

    int partitions;

    @Column(name = "replication_factor")
    short replicationFactor;

    @Column(name = "retention_ms")
    long retentionMs;

    String description;

    @ManyToMany
    @JoinTable(name = "topic_producer", joinColumns = @JoinColumn(name = "topic_id"),
            inverseJoinColumns = @JoinColumn(name = "app_id"))
    @BatchSize(size = 100)
    Set<AppEntity> producers = new LinkedHashSet<>();

    /** Who may consume the topic and read what it exposes; see {@link #mayConsume} and {@link #mayRead}. */
    @Enumerated(EnumType.STRING)
    @Column(name = "consumer_policy", nullable = false)
    ConsumerPolicy consumerPolicy = ConsumerPolicy.OPEN;

    /** Apps besides the owner that may consume a RESTRICTED topic (kept, but without effect, while OPEN). */
    @ManyToMany
    @JoinTable(name = "topic_consumer", joinColumns = @JoinColumn(name = "topic_id"),
            inverseJoinColumns = @JoinColumn(name = "app_id"))
    @BatchSize(size = 100)
    Set<AppEntity> consumers = new LinkedHashSet<>();

    @OneToMany(mappedBy = "topic", cascade = CascadeType.ALL, orphanRemoval = true)
    @OrderBy("name")
    @BatchSize(size = 100)
    List<MessageTypeEntity> types = new ArrayList<>();

    /**
     * Kafka topic configs set through Herald (config name to value), besides {@code retention.ms} which is
     * {@link #retentionMs}; a config missing here follows the broker's default. See {@link TopicSettings}.
     */
    @jakarta.persistence.ElementCollection
    @jakarta.persistence.CollectionTable(name = "topic_setting", joinColumns = @JoinColumn(name = "topic_id"))
    @jakarta.persistence.MapKeyColumn(name = "name")
    @Column(name = "value", nullable = false)
    @BatchSize(size = 100)
    java.util.Map<String, String> settings = new java.util.TreeMap<>();

    /** Share of messages traced at every step, 0 to 1; null: the server's default. */
    @Column(name = "trace_sample_rate")
    Double traceSampleRate;

    @Column(name = "created_at", nullable = false)
    Instant createdAt = Instant.now();

    @Column(name = "updated_at", nullable = false)
    Instant updatedAt = Instant.now();

    TopicView view(KafkaState kafka) {
        return new TopicView(name, app.name, partitions, replicationFactor, retentionMs, traceSampleRate, description,
                producers.stream().map(a -> a.name).sorted().toList(), consumerPolicy,
                consumers.stream().map(a -> a.name).sorted().toList(),
                types.stream().sorted(Comparator.comparing(t -> t.name)).map(MessageTypeEntity::view).toList(),
                createdAt, updatedAt, kafka);
    }

    boolean canProduce(String appName) {
        return app.name.equals(appName) || producers.stream().anyMatch(a -> a.name.equals(appName));
    }

    /** May the app bind (consume) this topic: every app while OPEN, else the owner and the listed consumers. */
    boolean mayConsume(String appName) {
        return consumerPolicy == ConsumerPolicy.OPEN || app.name.equals(appName)
                || consumers.stream().anyMatch(a -> a.name.equals(appName));
    }

    /** May the app read the topic's metadata, schemas and traces: who may consume it, and its producers. */
    boolean mayRead(String appName) {
        return mayConsume(appName) || canProduce(appName);
    }

    /** Why the app may not consume this topic, naming the topic, for 403 answers and blocked bindings. */
    String notConsumable(String appName) {
        return "Topic '" + name + "' is RESTRICTED: app '" + appName + "' is not among its consumers (its owner, app '"
                + app.name + "', may grant it in \"consumers\")";
    }
}
