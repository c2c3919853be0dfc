package io.herald.sdk.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.DataEvent;
import io.herald.sdk.DataListener;
import io.herald.sdk.DataObject;
import io.herald.sdk.Herald;
import io.herald.sdk.testing.TestHerald;
import io.herald.sdk.testing.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Data events end to end on Kafka, in plain Java: an intercepted DAO and a {@code @DataListener}. */
class DataEventsIT {

    public record Order(String id, int amount) {
    }

    @DataObject(name = "order-dao-it")
    public interface OrderDao {
        Order insertOrder(Order order);

        void updateOrder(Order order);

        Order findOrder(String id);
    }

    static final class MemoryOrderDao implements OrderDao {
        final Map<String, Order> rows = new ConcurrentHashMap<>();

        @Override
        public Order insertOrder(Order order) {
            rows.put(order.id(), order);
            return order;
        }

        @Override
        public void updateOrder(Order order) {
            if (order.amount() < 0) {
                throw new IllegalArgumentException("negative amount");
            }
            rows.put(order.id(), order);
        }

        @Override
        public Order findOrder(String id) {
            return rows.get(id);
        }
    }

    @DataListener(dataObject = OrderDao.class)
    public static final class OrderEvents {
        final List<Order> inserted = new CopyOnWriteArrayList<>();
        final List<Order> updated = new CopyOnWriteArrayList<>();
        final List<DataEvent> failedUpdates = new CopyOnWriteArrayList<>();

        public void onInsertOrder(Order order, DataEvent event) {
            assertThat(event.result().get("id").asText()).isEqualTo(order.id());
            inserted.add(order);
        }

        public void onUpdateOrder(Order order) {
            updated.add(order);
        }

        public void onUpdateOrder_X(Order order, DataEvent event) {
            failedUpdates.add(event);
        }
    }

    @DataListener(dataObject = OrderDao.class)
    public static final class Misspelt {
        public void onInsertOrdr(Order order) {
        }
    }

    private Herald herald;

    @AfterEach
    void close() {
        if (herald != null) {
            herald.close();
        }
    }

    @Test
    void interceptedCallsReachTheDataListenerIncludingTheFailureEvent() {
        TestKafka.createTopics(1, "data.order-dao-it");
        herald = TestHerald.builder("shop", null).build();
        OrderEvents listener = new OrderEvents();
        herald.registerDataListener(listener);
        herald.start();
        OrderDao dao = herald.dataObject(OrderDao.class, new MemoryOrderDao());

        // when
        dao.insertOrder(new Order("o-1", 10));
        dao.updateOrder(new Order("o-1", 12));
        assertThatThrownBy(() -> dao.updateOrder(new Order("o-1", -1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("negative amount");
        dao.findOrder("o-1");   // not intercepted

        // then
        await().atMost(Duration.ofSeconds(60)).until(() -> listener.failedUpdates.size() == 1);
        assertThat(listener.inserted).containsExactly(new Order("o-1", 10));
        assertThat(listener.updated).containsExactly(new Order("o-1", 12));
        DataEvent failed = listener.failedUpdates.get(0);
        assertThat(failed.event()).isEqualTo("updateOrder_X");
        assertThat(failed.errorType()).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(failed.errorMessage()).isEqualTo("negative amount");
        assertThat(failed.args()).hasSize(1);
        assertThat(failed.args().get(0).get("amount").asInt()).isEqualTo(-1);
    }

    @Test
    void listenerMethodNamingNoInterceptedMethodFailsRegistrationNamingIt() {
        herald = TestHerald.builder("shop", null).build();
        assertThatThrownBy(() -> herald.registerDataListener(new Misspelt()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("onInsertOrdr")
                .hasMessageContaining("insertOrdr");
    }
    @DataObject(name = "order-dao-before-it", before = {"delete*"})
    public interface GuardedOrderDao {
        Order insertOrder(Order order);

        void deleteOrder(String id);
    }

    /** Every event in the order it arrived, as "type:first argument". */
    @DataListener(dataObject = GuardedOrderDao.class)
    public static final class GuardedOrderEvents {
        final List<String> seen = new CopyOnWriteArrayList<>();

        public void onBeforeDeleteOrder(String id, DataEvent event) {
            assertThat(event.before()).isTrue();
            assertThat(event.result()).isNull();
            seen.add(event.event() + ":" + id);
        }

        public void onDeleteOrder(String id) {
            seen.add("deleteOrder:" + id);
        }

        public void onDeleteOrder_X(String id, DataEvent event) {
            seen.add(event.event() + ":" + id);
        }

        public void onInsertOrder(Order order) {
            seen.add("insertOrder:" + order.id());
        }
    }

    @DataListener(dataObject = GuardedOrderDao.class)
    public static final class BeforeInsertNotOptedIn {
        public void onBeforeInsertOrder(Order order) {
        }
    }

    @Test
    void beforeEventsArePublishedBeforeTheMethodRunsForMethodsThatOptIn() {
        TestKafka.createTopics(1, "data.order-dao-before-it");
        herald = TestHerald.builder("shop", null).build();
        GuardedOrderEvents listener = new GuardedOrderEvents();
        herald.registerDataListener(listener);
        herald.start();
        List<String> ranWhen = new CopyOnWriteArrayList<>();
        GuardedOrderDao dao = herald.dataObject(GuardedOrderDao.class, new GuardedOrderDao() {
            @Override
            public Order insertOrder(Order order) {
                return order;
            }

            @Override
            public void deleteOrder(String id) {
                ranWhen.add(id);
                if (id.equals("locked")) {
                    throw new IllegalStateException("order is locked");
                }
            }
        });

        // when
        dao.insertOrder(new Order("o-1", 1));   // no before event: insert* did not opt in
        dao.deleteOrder("o-1");
        assertThatThrownBy(() -> dao.deleteOrder("locked")).hasMessage("order is locked");

        // then: before, then the outcome, in call order on the one partition
        await().atMost(Duration.ofSeconds(60)).until(() -> listener.seen.size() == 5);
        assertThat(listener.seen).containsExactly("insertOrder:o-1", "beforeDeleteOrder:o-1", "deleteOrder:o-1",
                "beforeDeleteOrder:locked", "deleteOrder_X:locked");
        assertThat(ranWhen).containsExactly("o-1", "locked");
    }

    @Test
    void beforeListenerForAMethodThatDidNotOptInFailsRegistrationNamingIt() {
        herald = TestHerald.builder("shop", null).build();
        assertThatThrownBy(() -> herald.registerDataListener(new BeforeInsertNotOptedIn()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("onBeforeInsertOrder")
                .hasMessageContaining("with before events: [deleteOrder]");
    }
}
