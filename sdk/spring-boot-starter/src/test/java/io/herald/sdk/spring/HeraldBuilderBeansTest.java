package io.herald.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.MessageSender;
import io.herald.sdk.TransactionChecker;
import io.herald.sdk.TransactionState;
import io.herald.sdk.test.InMemoryTransport;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.HeraldTopics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.Order;

/** Every SDK object the plain builder accepts is taken from the user's beans. */
class HeraldBuilderBeansTest {

    record Parcel(String parcelId) {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class))
            .withBean(InMemoryTransport.class, InMemoryTransport::new)
            .withPropertyValues("herald.app=shipping", "herald.config-cache.dir=");

    @Test
    void transactionCheckerBeanAnswersCheckBacks() {
        runner.withBean(TransactionChecker.class, () -> id -> id.equals("m-1") ? TransactionState.COMMIT : TransactionState.ROLLBACK)
                .run(context -> {
                    InMemoryTransport transport = context.getBean(InMemoryTransport.class);

                    transport.publishRaw(HeraldTopics.txCheck("shipping"), "m-1", new byte[0],
                            new RecordHeader(HeraldHeaders.CE_ID, "m-1".getBytes(StandardCharsets.UTF_8)));

                    assertThat(transport.records(HeraldTopics.TX_DECISION)).singleElement().satisfies(r -> {
                        assertThat(r.header(HeraldHeaders.CE_ID)).isEqualTo("m-1");
                        assertThat(r.valueAsString()).isEqualTo("COMMIT");
                    });
                });
    }

    @Test
    void withoutACheckerBeanNobodyAnswers() {
        runner.run(context -> {
            InMemoryTransport transport = context.getBean(InMemoryTransport.class);
            transport.publishRaw(HeraldTopics.txCheck("shipping"), "m-1", new byte[0],
                    new RecordHeader(HeraldHeaders.CE_ID, "m-1".getBytes(StandardCharsets.UTF_8)));
            assertThat(transport.records(HeraldTopics.TX_DECISION)).isEmpty();
        });
    }

    @Test
    void objectMapperTraceparentSupplierAndMeterRegistryBeansAreUsed() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        ObjectMapper snakeCase = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        runner.withBean(ObjectMapper.class, () -> snakeCase)
                .withBean(TraceparentSupplier.class, () -> () -> traceparent)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    context.getBean(MessageSender.class).send("parcels", "shipped", "p-1", new Parcel("p-1"));

                    InMemoryTransport.StoredRecord sent = context.getBean(InMemoryTransport.class).records("parcels").get(0);
                    assertThat(sent.valueAsString()).isEqualTo("{\"parcel_id\":\"p-1\"}");
                    assertThat(sent.header(HeraldHeaders.TRACEPARENT)).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-");
                    assertThat(context.getBean(MeterRegistry.class).find("herald.messages.sent").meters()).isNotEmpty();
                });
    }

    @Test
    void customizersRunInOrderAfterPropertiesAndBeans() {
        List<String> calls = new CopyOnWriteArrayList<>();
        runner.withPropertyValues("herald.producer.default-type=from-properties")
                .withBean("late", HeraldBuilderCustomizer.class, () -> new Late(calls))
                .withBean("early", HeraldBuilderCustomizer.class, () -> new Early(calls))
                .run(context -> {
                    assertThat(calls).containsExactly("early", "late");
                    context.getBean(MessageSender.class).send("parcels", new Parcel("p-2"));
                    assertThat(context.getBean(InMemoryTransport.class).records("parcels").get(0).header(HeraldHeaders.CE_TYPE))
                            .isEqualTo("from-customizer");
                });
    }

    @Order(1)
    record Early(List<String> calls) implements HeraldBuilderCustomizer {
        @Override
        public void customize(io.herald.sdk.HeraldBuilder builder) {
            calls.add("early");
            builder.withSetting(HeraldSettings.PRODUCER_DEFAULT_TYPE, "overwritten-by-late");
        }
    }

    @Order(2)
    record Late(List<String> calls) implements HeraldBuilderCustomizer {
        @Override
        public void customize(io.herald.sdk.HeraldBuilder builder) {
            calls.add("late");
            builder.withSetting(HeraldSettings.PRODUCER_DEFAULT_TYPE, "from-customizer");
        }
    }

    @Test
    void twoCheckersWithoutAPrimaryOneFailStartUp() {
        runner.withBean("first", TransactionChecker.class, () -> id -> TransactionState.COMMIT)
                .withBean("second", TransactionChecker.class, () -> id -> TransactionState.ROLLBACK)
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasRootCauseInstanceOf(NoUniqueBeanDefinitionException.class));
    }

    @Test
    void noClientWithoutAnAppName() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(Herald.class));
    }
}
