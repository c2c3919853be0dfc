package io.herald.sdk.internal.push;

import java.util.List;

/**
 * The catalog entry a data object needs: its topic {@code data.<name>} and one message type per
 * intercepted method ({@code <method>}, {@code <method>_X}) and per "before" event, registered at
 * start-up like code-declared bindings.
 *
 * @param topic      {@code data.<name>}
 * @param dataObject the class carrying {@code @DataObject}, for messages
 * @param types      the event types its calls publish
 */
public record DataTopic(String topic, String dataObject, List<String> types) {

    public DataTopic {
        types = List.copyOf(types);
    }
}
