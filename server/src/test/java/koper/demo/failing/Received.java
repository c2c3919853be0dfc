package koper.demo.failing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the listeners received, "dataObject:event:id" (the test reads it). */
public final class Received {

    public static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    private Received() {
    }
}
