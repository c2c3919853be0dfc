package koper.demo.dataevent.listener;

import io.herald.sdk.DataListener;
import koper.demo.dataevent.Received;
import koper.demo.dataevent.dao.impl.OrderDaoImpl;
import koper.demo.dataevent.entity.Order;
import org.springframework.stereotype.Component;

/** The implementation class named as a class. */
@Component
@DataListener(dataObject = OrderDaoImpl.class)
public class OrderImplClassListener {

    public void onInsertOrder(Order order) {
        Received.EVENTS.add("by-impl-class:insertOrder:" + order.getOrderNo());
    }
}
