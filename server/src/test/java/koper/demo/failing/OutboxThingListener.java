package koper.demo.failing;

import io.herald.sdk.DataEvent;
import io.herald.sdk.DataListener;

@DataListener(dataObject = OutboxThingDao.class)
public class OutboxThingListener {

    public void onInsertThing(String id) {
        Received.EVENTS.add("outage-outbox:insertThing:" + id);
    }

    public void onInsertThing_X(String id, DataEvent event) {
        Received.EVENTS.add("outage-outbox:insertThing_X:" + id + ":" + event.errorType());
    }
}
