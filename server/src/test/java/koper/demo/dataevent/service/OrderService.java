package koper.demo.dataevent.service;

import koper.demo.dataevent.dao.impl.OrderDaoImpl;
import koper.demo.dataevent.entity.Order;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

/** Koper demo code injects the implementation class itself. */
@Service
public class OrderService {

    @Autowired
    private OrderDaoImpl orderDao;

    public String placeOrder(String orderNo) {
        return orderDao.insertOrder(new Order(orderNo, System.currentTimeMillis()));
    }

    public String touchOrder(String orderNo) {
        return orderDao.updateOrder(new Order(orderNo, System.currentTimeMillis()));
    }

    public int count(String orderNo) {
        return orderDao.countOrders(orderNo);
    }
}
