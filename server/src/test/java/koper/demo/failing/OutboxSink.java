package koper.demo.failing;

import io.herald.sdk.DataEventSink;
import io.herald.sdk.outbox.Outbox;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The sdk/README's outbox setup: the app's own database, an Outbox, and its DataEventSink as a bean. */
public class OutboxSink {

    @Bean
    DataSource dataSource(@Value("${demo.db.url}") String url, @Value("${demo.db.user}") String user,
                          @Value("${demo.db.password:}") String password) {
        return new DriverManagerDataSource(url, user, password);
    }

    @Bean(destroyMethod = "close")
    Outbox outbox(DataSource dataSource, @Value("${herald.app}") String app,
                  @Value("${herald.kafka.bootstrap-servers}") String bootstrap) {
        Outbox.createTable(dataSource);
        return Outbox.builder().withDataSource(dataSource).withAppName(app).withKafkaBootstrap(bootstrap).build().start();
    }

    @Bean
    DataEventSink dataEvents(Outbox outbox) {
        return outbox.dataEventSink();
    }
}
