package io.herald.sdk;

/**
 * The local work of a two-phase message, run by
 * {@link Herald#sendTransactional(String, String, String, Object, LocalTransaction)} after the half
 * message is stored durably and before the decision is sent.
 */
@FunctionalInterface
public interface LocalTransaction {

    /**
     * Runs the local transaction (e.g. a database transaction) that decides whether the message
     * exists. Keep the message id with the business data when you can: the
     * {@link TransactionChecker} is asked about it if the decision gets lost.
     *
     * @param messageId the id of the half message (its {@code ce_id})
     * @return {@link TransactionState#COMMIT} to publish, {@link TransactionState#ROLLBACK} to drop,
     *         {@link TransactionState#UNKNOWN} to leave it to the check-back
     * @throws Exception any exception rolls the message back
     */
    TransactionState execute(String messageId) throws Exception;
}
