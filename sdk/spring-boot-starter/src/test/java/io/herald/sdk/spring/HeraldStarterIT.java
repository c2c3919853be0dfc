package io.herald.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Herald;
import io.herald.sdk.Listen;
import io.herald.sdk.MessageSender;
import io.herald.sdk.testing.FakeControlPlane;
import io.herald.sdk.testing.TestKafka;
import io.herald.sdk.wire.MessageTypeConfig;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The starter against real Kafka and an HTTP control plane, configured by properties alone. */
class HeraldStarterIT {

    record Invoice(String number, long cents) {
    }

    static class InvoiceListener {
        final List<Invoice> received = new CopyOnWriteArrayList<>();

        @Listen(topic = "${invoices.topic}", type = "issued")
        void onIssued(Invoice invoice) {
            received.add(invoice);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
        @Bean
        InvoiceListener invoiceListener() {
            return new InvoiceListener();
        }
    }

    @Test
    void wiresEverythingFromPropertiesAlone() {
        String topic = TestKafka.uniqueTopic("invoices");
        TestKafka.createTopics(1, topic);
        try (FakeControlPlane controlPlane = FakeControlPlane.start("accounting", "secret-key")) {
            controlPlane.topic(topic, true, new MessageTypeConfig("issued", null));

            try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                    .web(WebApplicationType.NONE)
                    .properties("herald.app=accounting",
                            "herald.control-plane.url=" + controlPlane.url(),
                            "herald.control-plane.api-key=secret-key",
                            "herald.kafka.bootstrap-servers=" + TestKafka.bootstrap(),
                            "herald.kafka.properties.client.rack=rack-1",
                            "herald.config-cache.dir=target/herald-cache/" + UUID.randomUUID(),
                            "herald.consumer.poll-timeout-ms=100",
                            "invoices.topic=" + topic)
                    .run()) {

                context.getBean(MessageSender.class).send(topic, "issued", "inv-1", new Invoice("inv-1", 4200));

                InvoiceListener listener = context.getBean(InvoiceListener.class);
                await().atMost(Duration.ofSeconds(60)).until(() -> listener.received.size() == 1);
                assertThat(listener.received).containsExactly(new Invoice("inv-1", 4200));
                assertThat(controlPlane.binding("accounting", topic).typePattern()).isEqualTo("issued");
                assertThat(context.getBean(Herald.class).configVersion()).isEqualTo(controlPlane.version());
            }
        }
    }
}
