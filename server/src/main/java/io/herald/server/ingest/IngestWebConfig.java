package io.herald.server.ingest;

import io.herald.server.security.ApiCallers;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Puts {@link IngestFilter} in front of Spring Security's filter chain. */
@Configuration(proxyBeanMethods = false)
class IngestWebConfig {

    /**
     * Right after Spring Boot's {@code http.server.requests} observation filter (highest precedence + 1) and the database outage filter (+ 2),
     * so that ingestion stays measured, and long before Spring Security's chain (order -100).
     */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 3;

    @Bean
    FilterRegistrationBean<IngestFilter> ingestFilter(ApiCallers callers, IngestEndpoint endpoint) {
        FilterRegistrationBean<IngestFilter> registration = new FilterRegistrationBean<>(new IngestFilter(callers, endpoint));
        registration.addUrlPatterns("/api/v1/topics/*");
        registration.setOrder(ORDER);
        return registration;
    }
}
