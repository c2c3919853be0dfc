package io.herald.sdk.spring.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.DataEvent;
import io.herald.sdk.DataListener;
import io.herald.sdk.DataObject;
import io.herald.sdk.testing.TestKafka;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Data events from a real Spring Data JPA repository (Hibernate on PostgreSQL) through the starter
 * and real Kafka: the repository interface carries {@code @DataObject}, its save and delete calls
 * reach a {@code @DataListener} bean, and a save that PostgreSQL refuses arrives as {@code save_X}.
 */
class DataEventsJpaIT {

    static String admin;
    static String user;
    static String password;
    static String database;
    static String url;

    @Entity
    @Table(name = "shop_order")
    public static class ShopOrder {
        @Id
        private String id;
        private int amount;

        public ShopOrder() {
        }

        public ShopOrder(String id, int amount) {
            this.id = id;
            this.amount = amount;
        }

        public String getId() {
            return id;
        }

        public void setId(String id) {
            this.id = id;
        }

        public int getAmount() {
            return amount;
        }

        public void setAmount(int amount) {
            this.amount = amount;
        }
    }

    @DataObject(name = "jpa-orders", methods = {"save", "delete*"})
    public interface ShopOrderRepository extends JpaRepository<ShopOrder, String> {
    }

    @DataListener(dataObject = ShopOrderRepository.class)
    public static class ShopOrderEvents {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final List<DataEvent> failed = new CopyOnWriteArrayList<>();

        public void onSave(ShopOrder order, DataEvent event) {
            seen.add("save:" + order.getId() + ":" + order.getAmount() + ":" + event.result().get("amount").asInt());
        }

        public void onSave_X(ShopOrder order, DataEvent event) {
            seen.add("save_X:" + order.getId() + ":" + order.getAmount());
            failed.add(event);
        }

        public void onDeleteById(String id) {
            seen.add("deleteById:" + id);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableJpaRepositories(basePackageClasses = DataEventsJpaIT.class, considerNestedRepositories = true,
            includeFilters = @org.springframework.context.annotation.ComponentScan.Filter(
                    type = org.springframework.context.annotation.FilterType.ASSIGNABLE_TYPE, classes = ShopOrderRepository.class))
    static class App {
        @Bean
        DataSource dataSource() {
            return new SimpleDriverDataSource(new org.postgresql.Driver(), url, user, password);
        }

        @Bean
        LocalContainerEntityManagerFactoryBean entityManagerFactory(DataSource dataSource) {
            LocalContainerEntityManagerFactoryBean f = new LocalContainerEntityManagerFactoryBean();
            f.setDataSource(dataSource);
            f.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
            f.setManagedTypes(org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes.of(ShopOrder.class.getName()));
            f.setJpaPropertyMap(Map.of("hibernate.hbm2ddl.auto", "none"));
            return f;
        }

        @Bean
        PlatformTransactionManager transactionManager(EntityManagerFactory emf) {
            return new JpaTransactionManager(emf);
        }

        @Bean
        ShopOrderEvents shopOrderEvents() {
            return new ShopOrderEvents();
        }
    }

    @BeforeAll
    static void database() throws SQLException {
        admin = env("HERALD_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        user = env("HERALD_TEST_DB_USER", "postgres");
        password = env("HERALD_TEST_DB_PASSWORD", "");
        database = "herald_jpa_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(admin, user, password)) {
            c.createStatement().execute("CREATE DATABASE " + database);
        }
        int slash = admin.lastIndexOf('/');
        int query = admin.indexOf('?', slash);
        url = admin.substring(0, slash + 1) + database + (query > 0 ? admin.substring(query) : "");
        new JdbcTemplate(new SimpleDriverDataSource(new org.postgresql.Driver(), url, user, password))
                .execute("CREATE TABLE shop_order (id varchar(64) PRIMARY KEY, amount int NOT NULL CHECK (amount >= 0))");
        try {
            TestKafka.createTopics(1, "data.jpa-orders");
        } catch (IllegalStateException e) {
            // a broker used before keeps the topic; the ids below are new each run
        }
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(admin, user, password)) {
            c.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    @Test
    void saveAndDeleteOfAJpaRepositoryReachTheDataListenerAndARefusedSaveArrivesAsSave_X() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties("herald.app=shop", "herald.config-cache.dir=", "herald.kafka.bootstrap-servers=" + TestKafka.bootstrap(),
                        "herald.consumer.poll-timeout-ms=100")
                .run()) {
            ShopOrderRepository orders = context.getBean(ShopOrderRepository.class);
            ShopOrderEvents events = context.getBean(ShopOrderEvents.class);

            // when
            orders.save(new ShopOrder(run + "-1", 10));
            orders.save(new ShopOrder(run + "-2", 20));
            assertThatThrownBy(() -> orders.save(new ShopOrder(run + "-3", -5)))   // CHECK (amount >= 0) refuses it
                    .isInstanceOf(DataIntegrityViolationException.class);
            orders.deleteById(run + "-1");
            orders.findAll();                                                   // not intercepted

            // then: the database and the events agree
            assertThat(orders.findAll()).extracting(ShopOrder::getId).containsExactly(run + "-2");
            List<String> mine = List.of("save:" + run + "-1:10:10", "save:" + run + "-2:20:20", "save_X:" + run + "-3:-5",
                    "deleteById:" + run + "-1");
            await().atMost(Duration.ofSeconds(60)).until(() -> events.seen.stream().filter(s -> s.contains(run)).count() == 4);
            assertThat(events.seen.stream().filter(s -> s.contains(run)).toList()).containsExactlyElementsOf(mine);
            DataEvent failed = events.failed.stream().filter(e -> e.args().get(0).get("id").asText().startsWith(run)).findFirst()
                    .orElseThrow();
            assertThat(failed.event()).isEqualTo("save_X");
            assertThat(failed.errorType()).isEqualTo(DataIntegrityViolationException.class.getName());
            assertThat(failed.errorMessage()).contains("shop_order");
            assertThat(failed.result()).isNull();
        }
    }
}
