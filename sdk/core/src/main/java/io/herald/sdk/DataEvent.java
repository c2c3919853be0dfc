package io.herald.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One intercepted DAO call, as received by a {@link DataListener}.
 *
 * @param dataObject   the data object's name
 * @param method       the DAO method
 * @param event        the event name: the method, or {@code <method>_X} when it threw
 * @param args         the arguments as JSON
 * @param result       the return value as JSON ({@code null} for void or on exception)
 * @param errorType    the exception class when the call threw, else {@code null}
 * @param errorMessage the exception message when the call threw
 * @param messageId    the message id ({@code ce_id})
 */
public record DataEvent(String dataObject, String method, String event, List<JsonNode> args, JsonNode result, String errorType,
                        String errorMessage, String messageId) {

    /** Whether the call threw. */
    public boolean failed() {
        return errorType != null;
    }
}
