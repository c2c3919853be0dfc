package io.herald.server.search;

import java.util.List;

/**
 * One record a search found. The value is cut at {@link #MAX_VALUE} bytes ({@code truncated} says so), so
 * that the hits a search keeps stay small; {@code size} is the record's key and value bytes before any cut.
 */
public record SearchHit(int partition, long offset, long timestamp, byte[] key, List<Header> headers, byte[] value,
                        boolean truncated, int size) {

    /** Longer values are cut. */
    public static final int MAX_VALUE = 64 * 1024;

    /** A record header; the value may be null. */
    public record Header(String name, byte[] value) {
    }

    /** The last header of that name, or null. */
    public byte[] header(String name) {
        byte[] found = null;
        for (Header h : headers) {
            if (h.name().equals(name)) {
                found = h.value();
            }
        }
        return found;
    }
}
