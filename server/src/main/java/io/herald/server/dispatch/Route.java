package io.herald.server.dispatch;

import io.herald.server.catalog.BindingKind;

/**
 * One processor as its worker runs it: the binding's group, topic and type filter, the endpoint
 * and its retry, concurrency and rate settings. Records compare by value, so a changed processor
 * is noticed as a different route.
 */
record Route(long processorId, long bindingId, String app, String group, String topic, BindingKind kind, String typePattern,
             String address, long timeoutMillis, long retryIntervalMillis, int retryCount, boolean retryExponential,
             java.util.List<Integer> retryStatusCodes, int concurrency, Integer ratePerSecond, String deadLetterTopic,
             io.herald.server.catalog.ProcessorProtocol protocol, String passBack, long processingDelayMillis, String startPosition) {
}
