package io.herald.sdk.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldBuilder;
import io.herald.sdk.MessageSender;
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
 * Herald from {@code herald.*} properties alone: a {@link Herald} client (Kafka transport unless a
 * {@link Transport} bean exists, meters into the context's {@link MeterRegistry} if there is one),
 * its {@link MessageSender}, and every {@code @Listen} bean method registered as a listener.
 * Herald starts with the context and stops gracefully with it.
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
                         ObjectProvider<Transport> transport, ObjectProvider<ObjectMapper> objectMapper) {
        HeraldBuilder builder = Herald.builder()
                .withSettings(properties.toSettings())
                .withKafkaProperties(properties.getKafka().getProperties());
        meterRegistry.ifAvailable(builder::withMeterRegistry);
        transport.ifAvailable(builder::withTransport);
        objectMapper.ifUnique(builder::withObjectMapper);
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
