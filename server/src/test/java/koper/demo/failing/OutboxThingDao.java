package koper.demo.failing;

import io.herald.sdk.DataObject;

/** A DAO whose events go through the outbox (the app declares a DataEventSink bean). Its own exception is an IllegalArgumentException. */
@DataObject(name = "outage-outbox")
public class OutboxThingDao {

    public String insertThing(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id is required");
        }
        return "stored " + id;
    }
}
