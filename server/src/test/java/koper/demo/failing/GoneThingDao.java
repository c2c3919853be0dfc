package koper.demo.failing;

import io.herald.sdk.DataObject;

/** A DAO whose topic or types an operator removes while the app runs. Its own exception is an IllegalArgumentException. */
@DataObject(name = "koper-gone")
public class GoneThingDao {

    public String insertThing(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id is required");
        }
        return "stored " + id;
    }
}
