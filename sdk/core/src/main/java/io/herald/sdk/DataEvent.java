package io.herald.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One intercepted DAO call, as received by a {@link DataListener}.
 *
 * @param dataObject   the data object's name
 * @param method       the DAO method
 * @param event        the event name: the method, {@code <method>_X} when it threw, or {@code before<Method>}
 *                     when published before the method ran (opt-in, {@link DataObject#before()})
 * @param args         the arguments as JSON
 * @param result       the return value as JSON ({@code null} for void, on exception and before the call)
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

    /** Whether this event was published before the method ran (so there is no result yet). */
    public boolean before() {
        return errorType == null && method != null && !method.isEmpty() && event != null && !event.equals(method)
               && event.equals("before" + Character.toUpperCase(method.charAt(0)) + method.substring(1));
    }
}
