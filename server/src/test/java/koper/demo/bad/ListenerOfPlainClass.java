package koper.demo.bad;

import io.herald.sdk.DataListener;

@DataListener(dataObject = PlainOrderDaoImpl.class)
public class ListenerOfPlainClass {
    public void onInsertOrder(String orderNo) {
    }
}
