package io.herald.sdk;

import java.time.Instant;

/**
 * What Kafka acknowledged for a delayed message ({@link MessageSender#sendAt},
 * {@link MessageSender#sendDelayed}).
 *
 * @param delayId   the id of the delayed message at the control plane (to cancel it before it is due:
 *                  {@code DELETE /api/v1/delayed/{id}}), or {@code null} when it was due already and
 *                  went straight to the topic
 * @param messageId the message id ({@code ce_id}) the message will have when delivered
 * @param topic     the topic the message is delivered to
 * @param deliverAt when it is due
 * @param record    where the record was written: {@code herald.delay}, or the topic itself when due already
 */
public record DelayedSendResult(String delayId, String messageId, String topic, Instant deliverAt, SendResult record) {

    /** Whether the message was due already and was sent to its topic at once. */
    public boolean isImmediate() {
        return delayId == null;
    }
}
