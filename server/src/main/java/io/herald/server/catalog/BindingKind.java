package io.herald.server.catalog;

/** How a binding selects message types: the exact type, a pattern on the type, or every type. */
public enum BindingKind { DIRECT, REGEX, FANOUT }
