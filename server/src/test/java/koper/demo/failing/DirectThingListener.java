package koper.demo.failing;

import io.herald.sdk.DataEvent;
import io.herald.sdk.DataListener;

@DataListener(dataObject = DirectThingDao.class)
public class DirectThingListener {

    public void onInsertThing(String id) {
        Received.EVENTS.add("outage-direct:insertThing:" + id);
    }

    public void onInsertThing_X(String id, DataEvent event) {
        Received.EVENTS.add("outage-direct:insertThing_X:" + id + ":" + event.errorType());
    }
}
