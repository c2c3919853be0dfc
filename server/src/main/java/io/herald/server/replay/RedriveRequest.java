package io.herald.server.replay;

import java.util.List;

/**
 * Sends records of a binding's dead-letter topic ({@code <topic>.<group>.dlt}) back to its group.
 *
 * @param topic         the topic the group consumes
 * @param group         the consumer group whose dead letters are redriven
 * @param records       the records to redrive; none with {@code all}
 * @param all           every record the dead-letter topic holds now
 * @param ratePerSecond most records per second; unlimited when absent
 * @param dryRun        only answer what would be redriven
 */
public record RedriveRequest(String topic, String group, List<RecordRef> records, Boolean all, Integer ratePerSecond,
                             Boolean dryRun) {

    /** One record by its position. */
    public record RecordRef(Integer partition, Long offset) {
    }
}
