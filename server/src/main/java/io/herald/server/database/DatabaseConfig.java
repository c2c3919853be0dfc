package io.herald.server.database;

import javax.sql.DataSource;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Puts {@link GuardedDataSource} around the connection pool, so that every user of it fails fast during an outage. */
@Configuration(proxyBeanMethods = false)
class DatabaseConfig {

    /** Ahead of HTTP ingestion's own filter and Spring Security's chain, right after the request metrics. */
    @Bean
    FilterRegistrationBean<DatabaseOutageFilter> databaseOutageFilter() {
        FilterRegistrationBean<DatabaseOutageFilter> registration = new FilterRegistrationBean<>(new DatabaseOutageFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }

    @Bean
    static BeanPostProcessor guardedDataSource() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof DataSource ds && !(bean instanceof GuardedDataSource) && "dataSource".equals(name)
                        ? new GuardedDataSource(ds) : bean;
            }
        };
    }
}
