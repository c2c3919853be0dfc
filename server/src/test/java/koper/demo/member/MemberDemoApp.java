package koper.demo.member;

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
 * Koper's member demo moved to Herald with nothing but the annotations: one {@code @DataObject} DAO
 * ({@code MemberDao} + {@code MemberDaoImpl} on PostgreSQL) and one {@code @DataListener}, the
 * starter, and no topic or message type created by hand.
 */
@SpringBootConfiguration
@ComponentScan
@ImportAutoConfiguration(HeraldAutoConfiguration.class)
public class MemberDemoApp {

    @Bean
    DataSource dataSource(@Value("${demo.db.url}") String url, @Value("${demo.db.user}") String user,
                          @Value("${demo.db.password:}") String password) {
        return new DriverManagerDataSource(url, user, password);
    }

    @Bean
    JdbcTemplate jdbcTemplate(DataSource dataSource) {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        jdbc.execute("CREATE TABLE IF NOT EXISTS koper_members (id varchar(100) PRIMARY KEY, name varchar(100))");
        return jdbc;
    }

    @Bean
    MeterRegistry meterRegistry() {
        return new SimpleMeterRegistry();
    }
}
