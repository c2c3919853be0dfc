package io.herald.sdk.spring.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.sdk.DataEvent;
import io.herald.sdk.DataListener;
import io.herald.sdk.DataObject;
import io.herald.sdk.test.InMemoryTransport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Data events through the starter: an intercepted DAO bean and a {@code @DataListener} bean, in-memory transport. */
class DataEventBeansTest {

    public record Order(String id, int amount) {
    }

    @DataObject
    public static class OrderDao {
        final Map<String, Order> rows = new ConcurrentHashMap<>();

        public Order insertOrder(Order order) {
            rows.put(order.id(), order);
            return order;
        }

        public void updateOrder(Order order) {
            if (order.amount() < 0) {
                throw new IllegalArgumentException("negative amount");
            }
            rows.put(order.id(), order);
        }

        public Order findOrder(String id) {
            return rows.get(id);
        }
    }

    @DataListener(dataObject = OrderDao.class)
    public static class OrderEvents {
        final List<Order> inserted = new CopyOnWriteArrayList<>();
        final List<String> failed = new CopyOnWriteArrayList<>();

        public void onInsertOrder(Order order) {
            inserted.add(order);
        }

        public void onUpdateOrder_X(Order order, DataEvent event) {
            failed.add(event.event() + ":" + order.amount() + ":" + event.errorMessage());
        }
    }

    @DataListener(dataObject = OrderDao.class)
    public static class Misspelt {
        public void onRemoveOrder(Order order) {
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
        @Bean
        InMemoryTransport transport() {
            return new InMemoryTransport();
        }

        @Bean
        OrderDao orderDao() {
            return new OrderDao();
        }

        @Bean
        OrderEvents orderEvents() {
            return new OrderEvents();
        }
    }

    @DataObject(name = "guarded-orders", before = "delete*")
    public static class GuardedOrderDao {
        public void deleteOrder(String id) {
            if (id.equals("locked")) {
                throw new IllegalStateException("order is locked");
            }
        }
    }

    @DataListener(dataObject = GuardedOrderDao.class)
    public static class GuardedOrderEvents {
        final List<String> seen = new CopyOnWriteArrayList<>();

        public void onBeforeDeleteOrder(String id, DataEvent event) {
            seen.add(event.event() + ":" + id + ":" + event.before());
        }

        public void onDeleteOrder(String id) {
            seen.add("deleteOrder:" + id);
        }

        public void onDeleteOrder_X(String id, DataEvent event) {
            seen.add(event.event() + ":" + id);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class WithGuarded {
        @Bean
        GuardedOrderDao guardedOrderDao() {
            return new GuardedOrderDao();
        }

        @Bean
        GuardedOrderEvents guardedOrderEvents() {
            return new GuardedOrderEvents();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class WithMisspelt {
        @Bean
        Misspelt misspelt() {
            return new Misspelt();
        }
    }

    @Test
    void daoCallsReachTheDataListenerIncludingTheExceptionEvent() {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties("herald.app=shop", "herald.config-cache.dir=").run()) {
            OrderDao dao = context.getBean(OrderDao.class);
            OrderEvents events = context.getBean(OrderEvents.class);

            dao.insertOrder(new Order("o-1", 10));
            assertThatThrownBy(() -> dao.updateOrder(new Order("o-1", -5))).hasMessage("negative amount");
            dao.findOrder("o-1");

            assertThat(events.inserted).containsExactly(new Order("o-1", 10));
            assertThat(events.failed).containsExactly("updateOrder_X:-5:negative amount");
            assertThat(context.getBean(InMemoryTransport.class).records("data.order-dao")).hasSize(2);
        }
    }

    @Test
    void listenerMethodWithoutAnInterceptedMethodFailsStartUpNamingIt() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(App.class, WithMisspelt.class).web(WebApplicationType.NONE)
                .properties("herald.app=shop", "herald.config-cache.dir=").run())
                .hasStackTraceContaining("onRemoveOrder");
    }

    @Test
    void beforeEventPrecedesTheCallForMethodsThatOptIn() {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class, WithGuarded.class)
                .web(WebApplicationType.NONE).properties("herald.app=shop", "herald.config-cache.dir=").run()) {
            GuardedOrderDao dao = context.getBean(GuardedOrderDao.class);
            GuardedOrderEvents events = context.getBean(GuardedOrderEvents.class);

            dao.deleteOrder("o-1");
            assertThatThrownBy(() -> dao.deleteOrder("locked")).hasMessage("order is locked");

            assertThat(events.seen).containsExactly("beforeDeleteOrder:o-1:true", "deleteOrder:o-1",
                    "beforeDeleteOrder:locked:true", "deleteOrder_X:locked");
        }
    }
}
