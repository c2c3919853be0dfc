package koper.demo.bad;

import io.herald.sdk.koper.DataListener;

@DataListener(dataObject = "koper.demo.dataevent.dao.impl.OrderDaoImp")
public class ListenerOfMissingClass {
    public void onInsertOrder(String orderNo) {
    }
}
