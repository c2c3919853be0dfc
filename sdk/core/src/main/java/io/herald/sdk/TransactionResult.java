package io.herald.sdk;

/**
 * What {@link Herald#sendTransactional(String, String, String, Object, LocalTransaction)} did.
 *
 * @param messageId the message id ({@code ce_id}) the message has on the target topic once committed
 * @param topic     the target topic
 * @param state     the decision sent: COMMIT, ROLLBACK, or UNKNOWN when none was sent (the check-back decides)
 */
public record TransactionResult(String messageId, String topic, TransactionState state) {
}
