package koper.demo.dataevent.listener;

import io.herald.sdk.DataEvent;
import io.herald.sdk.koper.DataListener;
import koper.demo.dataevent.Received;
import koper.demo.dataevent.entity.Order;
import org.springframework.stereotype.Component;

/** Koper's README, word for word apart from the import: the implementation's name as a string. */
@Component
@DataListener(dataObject = "koper.demo.dataevent.dao.impl.OrderDaoImpl")
public class OrderListener {

    public void onInsertOrder(Order order) {
        Received.EVENTS.add("by-name:insertOrder:" + order.getOrderNo());
    }

    public void onInsertOrder_X(Order order, DataEvent event) {
        Received.EVENTS.add("by-name:insertOrder_X:" + order.getOrderNo() + ":" + event.errorType());
    }

    public void onUpdateOrder(Order order) {
        Received.EVENTS.add("by-name:updateOrder:" + order.getOrderNo());
    }
}
