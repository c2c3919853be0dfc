package io.herald.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.sdk.Herald;
import io.herald.sdk.HeraldConfigException;
import io.herald.sdk.Listen;
import io.herald.sdk.Message;
import io.herald.sdk.MessageSender;
import io.herald.sdk.test.InMemoryTransport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

/** The starter with the in-memory transport: fast, no Kafka, as a user's Spring test would do it. */
class HeraldAutoConfigurationTest {

    record Shipment(String id) {
    }

    @Component
    static class ShipmentListener {
        final List<String> received = new CopyOnWriteArrayList<>();

        @Listen(topic = "${shipping.topic}", type = "shipped", group = "tracking")
        void onShipped(Shipment shipment) {
            received.add(shipment.id());
        }
    }

    @Listen(topic = "${shipping.topic}", pattern = "ship.*")
    static class ClassLevelListener {
        final List<String> received = new CopyOnWriteArrayList<>();

        public void onMessage(Message<Shipment> message) {
            received.add(message.type() + ":" + message.payload().id());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
        @Bean
        InMemoryTransport transport() {
            return new InMemoryTransport();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        ShipmentListener shipmentListener() {
            return new ShipmentListener();
        }

        @Bean
        ClassLevelListener classLevelListener() {
            return new ClassLevelListener();
        }
    }

    private static ConfigurableApplicationContext run(String... properties) {
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(properties).run();
    }

    @Test
    void wiresSenderAndAnnotatedListenersFromProperties() {
        try (ConfigurableApplicationContext context = run("herald.app=shipping", "herald.config-cache.dir=",
                "shipping.topic=parcels")) {
            MessageSender sender = context.getBean(MessageSender.class);

            sender.send("parcels", "shipped", "p-1", new Shipment("p-1"));
            sender.send("parcels", "shipping-delayed", "p-2", new Shipment("p-2"));

            assertThat(context.getBean(ShipmentListener.class).received).containsExactly("p-1");
            assertThat(context.getBean(ClassLevelListener.class).received)
                    .containsExactly("shipped:p-1", "shipping-delayed:p-2");
            assertThat(context.getBean(MeterRegistry.class).get("herald.messages.handled").tag("group", "tracking")
                    .functionCounter().count()).isEqualTo(1);
            assertThat(context.getBean(Herald.class).isStarted()).isTrue();
        }
    }

    @Test
    void closesHeraldWithTheContext() {
        ConfigurableApplicationContext context = run("herald.app=shipping", "herald.config-cache.dir=", "shipping.topic=parcels");
        Herald herald = context.getBean(Herald.class);

        context.close();

        assertThat(herald.isStarted()).isFalse();
    }

    @Test
    void staysOffWithoutAnAppName() {
        try (ConfigurableApplicationContext context = run("shipping.topic=parcels")) {
            assertThat(context.getBeansOfType(Herald.class)).isEmpty();
            assertThat(context.getBeansOfType(MessageSender.class)).isEmpty();
        }
    }

    @Test
    void failsAtStartWhenSettingsConflictNamingBoth() {
        assertThatThrownBy(() -> run("herald.app=shipping", "herald.config-cache.dir=", "shipping.topic=parcels",
                "herald.producer.max-block-ms=1000", "herald.kafka.properties.max.block.ms=2000"))
                .hasRootCauseInstanceOf(HeraldConfigException.class)
                .rootCause().hasMessageContaining("herald.producer.max-block-ms=1000 conflicts with Kafka property max.block.ms=2000");
    }
}
