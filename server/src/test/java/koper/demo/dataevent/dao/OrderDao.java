package koper.demo.dataevent.dao;

import io.herald.sdk.DataObject;
import koper.demo.dataevent.entity.Order;

/** Koper demo's DAO interface; Herald's @DataObject is the only line a Koper user adds. */
@DataObject
public interface OrderDao {

    String insertOrder(Order order);

    String updateOrder(Order order);
}
