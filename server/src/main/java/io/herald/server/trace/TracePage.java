package io.herald.server.trace;

import java.util.List;

/** One page of found messages, newest activity first; {@code hasMore} tells whether a next page exists. */
public record TracePage(List<MessageSummary> items, int page, int size, boolean hasMore) {
}
