package io.herald.sdk.internal.data;

import io.herald.sdk.BrokerUnavailableException;
import io.herald.sdk.PayloadSerializationException;
import io.herald.sdk.ProduceNotAllowedException;
import io.herald.sdk.RetryableHeraldException;
import io.herald.sdk.UndeclaredTypeException;
import io.herald.sdk.UnknownTopicException;
import io.herald.sdk.internal.metrics.HeraldMetrics;
import io.herald.sdk.internal.trace.Tracer;
import io.herald.sdk.wire.Timepoint;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a data event that could not be written: the DAO call keeps its own outcome (the
 * event is a consequence of the call, not part of it), and the failure is counted
 * ({@code herald.data-events.failed}), recorded as a FAILED timepoint, and logged at ERROR once per
 * cause (topic and exception; for an undeclared type, also the type) with what fixes it; repeats are
 * logged at DEBUG, so a DAO called a thousand times a second does not flood the log.
 */
public final class DataEventFailures {

    private static final Logger log = LoggerFactory.getLogger(DataEventFailures.class);

    /** Counts and logs only (no client: plain {@code new DataEvents(...)}). */
    public static final DataEventFailures LOG_ONLY = new DataEventFailures(new HeraldMetrics(null, ""), Tracer.OFF, "", "");

    private final HeraldMetrics metrics;
    private final Tracer tracer;
    private final String app;
    private final String instance;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    public DataEventFailures(HeraldMetrics metrics, Tracer tracer, String app, String instance) {
        this.metrics = metrics;
        this.tracer = tracer;
        this.app = app;
        this.instance = instance;
    }

    public void failed(Class<?> dataObject, String topic, String type, String messageId, Throwable error) {
        try {
            metrics.dataEventFailed(topic, type, error);
            String text = error.getClass().getName() + ": " + error.getMessage();
            tracer.record(new Timepoint(messageId, Timepoint.FAILED, System.currentTimeMillis(), topic, type, null, app, null,
                    instance, null, null, null, null, null, text.length() > 1000 ? text.substring(0, 1000) : text, null, null));
            String cause = topic + "|" + error.getClass().getName() + (error instanceof UndeclaredTypeException ? "|" + type : "");
            if (logged.add(cause)) {
                log.error("Data event '{}' of {} could not be published to '{}': {}. The DAO call kept its own result or exception."
                          + " Fix: {}. Further failures like this are counted in {} (topic={}, exception={}) and logged at DEBUG.",
                        type, dataObject.getName(), topic, error.toString(), fix(topic, type, error),
                        HeraldMetrics.DATA_EVENTS_FAILED, topic, error.getClass().getSimpleName());
            } else {
                log.debug("Data event '{}' to '{}' not published: {}", type, topic, error.toString());
            }
        } catch (RuntimeException e) {
            log.debug("Recording a failed data event failed: {}", e.toString());
        }
    }

    private String fix(String topic, String type, Throwable error) {
        if (error instanceof UnknownTopicException) {
            return "topic '" + topic + "' is not in app '" + app + "''s catalog. Herald registers a data object's topic and types"
                   + " at start-up when the app may own them (see the start-up log for why it did not); or create it owned by '"
                   + app + "' (POST /api/v1/topics)";
        }
        if (error instanceof ProduceNotAllowedException) {
            return "topic '" + topic + "' belongs to another app: add '" + app + "' to its producers, or give the data object a"
                   + " name of its own with @DataObject(name = ...)";
        }
        if (error instanceof UndeclaredTypeException) {
            return "declare type '" + type + "' on topic '" + topic + "' (POST /api/v1/topics/" + topic + "/types), or let the"
                   + " topic's owner app start with this data object";
        }
        if (error instanceof BrokerUnavailableException || error instanceof RetryableHeraldException) {
            return "Kafka did not take the event (check herald.kafka.bootstrap-servers and the brokers); events of calls made"
                   + " meanwhile are lost: to keep them, write data events through the outbox (herald-sdk-outbox, a"
                   + " DataEventSink bean = outbox.dataEventSink()), which publishes them once Kafka is back";
        }
        if (error instanceof PayloadSerializationException || error instanceof IllegalArgumentException) {
            return "an argument or the result of the call cannot be written as JSON: give it a type Jackson can write";
        }
        return "see the exception";
    }
}
