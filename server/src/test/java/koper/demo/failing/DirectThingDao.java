package koper.demo.failing;

import io.herald.sdk.DataObject;

/** A DAO whose events Herald's sender writes to Kafka at once. Its own exception is an IllegalArgumentException. */
@DataObject(name = "outage-direct")
public class DirectThingDao {

    public String insertThing(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id is required");
        }
        return "stored " + id;
    }
}
