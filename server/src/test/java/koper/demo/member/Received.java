package koper.demo.member;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the demo's listeners received, "listener:event:orderNo" (the test reads it). */
public final class Received {

    public static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    private Received() {
    }
}
