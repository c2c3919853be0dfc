package io.herald.sdk.spring;

import io.herald.sdk.HeraldBuilder;

/**
 * Changes the {@link HeraldBuilder} the starter uses, after the {@code herald.*} properties and the
 * context's SDK beans are applied and before {@link HeraldBuilder#build()}: anything the plain
 * builder accepts can be set here. Every customizer bean is called, in {@link org.springframework.core.Ordered
 * Ordered} / {@link org.springframework.core.annotation.Order @Order} order, as Spring Boot does with
 * its own {@code *Customizer} beans.
 *
 * <pre>{@code
 * @Bean
 * HeraldBuilderCustomizer heraldTuning() {
 *     return builder -> builder.withKafkaProperty("client.rack", "eu-west-1a");
 * }
 * }</pre>
 */
@FunctionalInterface
public interface HeraldBuilderCustomizer {

    /** Customizes the builder. */
    void customize(HeraldBuilder builder);
}
