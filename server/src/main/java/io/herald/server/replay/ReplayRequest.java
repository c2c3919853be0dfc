package io.herald.server.replay;

/**
 * A replay of a time window of a topic.
 *
 * @param topic         the topic to replay
 * @param from          start of the window, inclusive (ISO-8601 time or epoch milliseconds)
 * @param to            end of the window, exclusive; now when absent
 * @param type          only records of this message type ({@code ce_type})
 * @param key           only records with this key
 * @param target        one group or the topic itself
 * @param ratePerSecond most records copied per second; unlimited when absent
 * @param dryRun        only answer which offsets the window maps to, per partition
 */
public record ReplayRequest(String topic, String from, String to, String type, String key, ReplayTarget target,
                            Integer ratePerSecond, Boolean dryRun) {
}
