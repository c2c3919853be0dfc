package koper.demo.dataevent.listener;

import io.herald.sdk.DataListener;
import koper.demo.dataevent.Received;
import koper.demo.dataevent.dao.OrderDao;
import koper.demo.dataevent.entity.Order;
import org.springframework.stereotype.Component;

/** The @DataObject interface named as a class. */
@Component
@DataListener(dataObject = OrderDao.class)
public class OrderInterfaceListener {

    public void onInsertOrder(Order order) {
        Received.EVENTS.add("by-interface:insertOrder:" + order.getOrderNo());
    }
}
