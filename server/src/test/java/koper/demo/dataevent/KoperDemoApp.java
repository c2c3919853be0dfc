package koper.demo.dataevent;

import io.herald.sdk.spring.HeraldAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A Koper user's Spring Boot app moved to Herald: the demo's DAO ({@code OrderDao} +
 * {@code OrderDaoImpl} on PostgreSQL) and listeners, scanned as components, with the Herald starter.
 * Only the starter's auto-configuration is imported: the server's test class path holds JPA, Flyway and
 * the web stack, which are the server's, not this app's.
 */
@SpringBootConfiguration
@ComponentScan
@ImportAutoConfiguration(HeraldAutoConfiguration.class)
public class KoperDemoApp {

    @Bean
    DataSource dataSource(@Value("${demo.db.url}") String url, @Value("${demo.db.user}") String user,
                          @Value("${demo.db.password:}") String password) {
        return new DriverManagerDataSource(url, user, password);
    }

    @Bean
    JdbcTemplate jdbcTemplate(DataSource dataSource) {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        jdbc.execute("CREATE TABLE IF NOT EXISTS koper_orders (order_no varchar(100) PRIMARY KEY, created_time bigint)");
        return jdbc;
    }

    @Bean
    MeterRegistry meterRegistry() {
        return new SimpleMeterRegistry();
    }
}
