package io.herald.server.provisioning;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/** Kafka's part of readiness: the cluster answers and has at least one broker. */
@Component("kafka")
class KafkaHealth extends AbstractHealthIndicator {

    private final KafkaProvisioner kafka;

    KafkaHealth(KafkaProvisioner kafka) {
        super("Kafka is not reachable");
        this.kafka = kafka;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        int brokers = kafka.brokerCount(2000);
        if (brokers > 0) {
            builder.up().withDetail("brokers", brokers);
        } else {
            builder.down().withDetail("brokers", 0);
        }
    }
}
