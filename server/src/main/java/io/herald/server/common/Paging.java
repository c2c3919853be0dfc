package io.herald.server.common;

/** A validated page request: page from 0, size 1 to 500. */
public record Paging(int page, int size) {

    public static final int MAX_SIZE = 500;

    public static Paging of(int page, int size) {
        Violations v = new Violations();
        if (page < 0) {
            v.add("page", "must be 0 or more");
        }
        if (size < 1 || size > MAX_SIZE) {
            v.add("size", "must be between 1 and " + MAX_SIZE);
        }
        v.throwIfAny();
        return new Paging(page, size);
    }
}
