package io.herald.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.UnknownTopicException;
import io.herald.sdk.testing.FakeControlPlane;
import io.herald.sdk.testing.TestHerald;
import io.herald.sdk.testing.TestKafka;
import io.herald.sdk.wire.MessageTypeConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A user's cluster usually runs with Kafka's default {@code auto.create.topics.enable=true}. An SDK
 * that starts listening before its topic is in Kafka must not create it with the broker's defaults
 * (one partition), which would later make the catalog's topic silently keep one partition.
 */
class NoAutoCreateIT {

    private static EmbeddedKafkaKraftBroker broker;

    @BeforeAll
    static void startBrokerWithKafkasDefaults() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
        broker.brokerProperty("auto.create.topics.enable", "true");
        broker.afterPropertiesSet();
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
    }

    @Test
    void aListenerStartedBeforeItsTopicExistsDoesNotMakeKafkaCreateIt() throws Exception {
        String topic = TestKafka.uniqueTopic("early");
        String group = TestKafka.uniqueTopic("billing");
        try (FakeControlPlane controlPlane = FakeControlPlane.start("billing", "key-1");
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
            controlPlane.topic(topic, true, new MessageTypeConfig("pay-succ", null));
            try (Herald herald = TestHerald.builder("billing", controlPlane)
                    .withKafkaBootstrap(broker.getBrokersAsString())
                    .build()
                    .listen(Binding.fanout(topic).withGroup(group), String.class, m -> { })
                    .start()) {
                // The consumer has asked for the topic's metadata once it has joined its group.
                await().atMost(Duration.ofSeconds(60)).until(() -> admin.listConsumerGroups().all().get().stream()
                        .map(ConsumerGroupListing::groupId).anyMatch(group::equals));
                assertThat(herald).isNotNull();
            }
            assertThat(admin.listTopics().names().get()).doesNotContain(topic);
        }
    }

    @Test
    void aSendToATopicTheCatalogDoesNotKnowIsRefusedAndKafkaDoesNotCreateIt() throws Exception {
        String known = TestKafka.uniqueTopic("orders");
        String unknown = TestKafka.uniqueTopic("not-yet-in-the-catalog");
        try (FakeControlPlane controlPlane = FakeControlPlane.start("billing", "key-1");
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
            controlPlane.topic(known, true, new MessageTypeConfig("pay-succ", null));
            try (Herald herald = TestHerald.builder("billing", controlPlane)
                    .withKafkaBootstrap(broker.getBrokersAsString())
                    .build()
                    .start()) {
                assertThatThrownBy(() -> herald.sender().send(unknown, "pay-succ", "k", "p"))
                        .isInstanceOf(UnknownTopicException.class).hasMessageContaining(unknown);
                // the same producer writes to a topic the catalog knows: this broker creates topics on first
                // write (Kafka's default), so only the catalog check kept it from creating the unknown one
                herald.sender().send(known, "pay-succ", "k", "p");
            }
            assertThat(admin.listTopics().names().get()).contains(known).doesNotContain(unknown);
        }
    }
}
