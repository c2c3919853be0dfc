package koper.demo.dataevent.dao.impl;

import koper.demo.dataevent.dao.OrderDao;
import koper.demo.dataevent.entity.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Koper demo's implementation, writing to the app's own PostgreSQL table. */
@Component
public class OrderDaoImpl implements OrderDao {

    private final JdbcTemplate jdbc;

    public OrderDaoImpl(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String insertOrder(Order order) {
        if (order.getOrderNo() == null || order.getOrderNo().isBlank()) {
            throw new IllegalArgumentException("orderNo is required");
        }
        jdbc.update("INSERT INTO koper_orders (order_no, created_time) VALUES (?, ?)", order.getOrderNo(), order.getCreatedTime());
        return order.getOrderNo();
    }

    @Override
    public String updateOrder(Order order) {
        int n = jdbc.update("UPDATE koper_orders SET created_time = ? WHERE order_no = ?", order.getCreatedTime(), order.getOrderNo());
        if (n == 0) {
            throw new IllegalArgumentException("no order " + order.getOrderNo());
        }
        return order.getOrderNo();
    }

    /** Not intercepted (not insert*, update*, delete*). */
    public Integer countOrders(String orderNo) {
        return jdbc.queryForObject("SELECT count(*) FROM koper_orders WHERE order_no = ?", Integer.class, orderNo);
    }
}
