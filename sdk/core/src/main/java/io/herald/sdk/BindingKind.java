package io.herald.sdk;

/** How a binding selects message types on its topic. */
public enum BindingKind {
    /** Exactly one type. */
    DIRECT,
    /** Types matching a regular expression (whole-type match). */
    REGEX,
    /** Every type, including records written without a type. */
    FANOUT
}
