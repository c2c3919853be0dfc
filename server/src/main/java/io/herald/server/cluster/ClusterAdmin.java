package io.herald.server.cluster;

import org.apache.kafka.clients.admin.Admin;

/**
 * The console's Kafka {@link Admin} client, shared by the pages that read the cluster (topic
 * insight, consumer groups, brokers): one client, one configuration, short timeouts so a slow Kafka
 * makes a page say so instead of hanging it. The console's {@code KafkaInsight} provides it.
 */
public interface ClusterAdmin {

    /** The shared client, created on first use. */
    Admin admin();

    /** How long a page waits for one answer from Kafka. */
    long timeoutMs();
}
