package io.herald.sdk.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldBuilder;
import io.herald.sdk.MessageSender;
import io.herald.sdk.TransactionChecker;
import io.herald.sdk.spi.Transport;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Herald from {@code herald.*} properties alone: a {@link Herald} client, its {@link MessageSender},
 * and every {@code @Listen} bean method registered as a listener. Herald starts with the context and
 * stops gracefully with it.
 *
 * <p>Every SDK object the plain {@link HeraldBuilder} accepts is taken from the context when the
 * app defines a bean of its type: {@link TransactionChecker} (answers two-phase check-backs),
 * {@link Transport} (instead of Kafka), {@link ObjectMapper} (Jackson 2, for payloads),
 * {@link TraceparentSupplier}, {@link MeterRegistry}. Two beans of one type without a primary one
 * fail start-up. {@link HeraldBuilderCustomizer} beans run last, in order.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(Herald.class)
@ConditionalOnProperty(prefix = "herald", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(HeraldProperties.class)
public class HeraldAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "herald", name = "app")
    public Herald herald(HeraldProperties properties, ObjectProvider<MeterRegistry> meterRegistry,
                         ObjectProvider<Transport> transport, ObjectProvider<ObjectMapper> objectMapper,
                         ObjectProvider<TransactionChecker> transactionChecker,
                         ObjectProvider<TraceparentSupplier> traceparentSupplier,
                         ObjectProvider<HeraldBuilderCustomizer> customizers) {
        HeraldBuilder builder = Herald.builder()
                .withSettings(properties.toSettings())
                .withKafkaProperties(properties.getKafka().getProperties());
        meterRegistry.ifAvailable(builder::withMeterRegistry);
        transport.ifAvailable(builder::withTransport);
        objectMapper.ifAvailable(builder::withObjectMapper);
        transactionChecker.ifAvailable(builder::withTransactionChecker);
        traceparentSupplier.ifAvailable(builder::withTraceparentSupplier);
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnBean(Herald.class)
    public MessageSender heraldMessageSender(Herald herald) {
        return herald.sender();
    }

    @Bean
    static ListenerBeans heraldListenerBeans() {
        return new ListenerBeans();
    }

    /** Data events: intercepts {@code @DataObject} beans, registers {@code @DataListener} beans. */
    @Bean
    static io.herald.sdk.spring.data.DataEventBeans heraldDataEventBeans() {
        return new io.herald.sdk.spring.data.DataEventBeans();
    }

    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnBean(Herald.class)
    HeraldLifecycle heraldLifecycle(Herald herald, ListenerBeans listenerBeans, ConfigurableBeanFactory beanFactory) {
        return new HeraldLifecycle(herald, listenerBeans, beanFactory);
    }
}
