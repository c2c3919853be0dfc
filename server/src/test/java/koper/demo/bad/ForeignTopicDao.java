package koper.demo.bad;

import io.herald.sdk.DataObject;

/** A DAO whose topic, {@code data.koper-foreign}, another app already owns in the catalog. */
@DataObject(name = "koper-foreign")
public class ForeignTopicDao {
    public String insertThing(String id) {
        return id;
    }
}
