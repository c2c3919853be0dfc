package io.herald.sdk;

/** The outcome of a two-phase message's local transaction, as the producer knows it. */
public enum TransactionState {
    /** The local transaction committed: the message is published. */
    COMMIT,
    /** The local transaction rolled back: the message is dropped and never delivered. */
    ROLLBACK,
    /** Not known (yet): nothing is decided, the server asks the producer app again after its check interval. */
    UNKNOWN
}
