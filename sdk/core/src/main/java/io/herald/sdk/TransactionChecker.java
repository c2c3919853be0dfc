package io.herald.sdk;

/**
 * Answers the server's check-back for a two-phase message whose decision it never received
 * (the producer crashed between half message and decision, or the decision was lost). Register
 * one with {@link HeraldBuilder#withTransactionChecker(TransactionChecker)}; any instance of the
 * app may be asked, so answer from shared state (the database the local transaction wrote).
 */
@FunctionalInterface
public interface TransactionChecker {

    /**
     * @param messageId the message id ({@code ce_id}) the local transaction was given
     * @return {@link TransactionState#COMMIT}, {@link TransactionState#ROLLBACK}, or
     *         {@link TransactionState#UNKNOWN} to be asked again after the check interval (an
     *         exception counts as UNKNOWN)
     */
    TransactionState check(String messageId);
}
