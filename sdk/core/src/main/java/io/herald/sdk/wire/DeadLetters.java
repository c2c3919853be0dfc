package io.herald.sdk.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The dead-letter contract: where a record goes when its consumer gives up on it, and the headers its
 * copy there carries to say why. The SDK's listeners, the server's push dispatcher and the server's
 * delay scheduler all write dead letters through {@link Letter#headers}, so a copy reads the same
 * whoever wrote it; the replay service reads them back and drops them again on a redrive.
 */
public final class DeadLetters {

    /** The longest exception message a dead letter keeps, in characters; longer ones are cut. */
    public static final int MAX_EXCEPTION_MESSAGE = 2000;

    private static final String PREFIX = "herald-dlt-";

    private DeadLetters() {
    }

    /**
     * The dead-letter topic of a consumer group on a topic: {@code <topic>.<group>.dlt}.
     *
     * @param topic the topic the group consumes
     * @param group the consumer group
     * @return the name of the group's dead-letter topic for that topic
     */
    public static String topic(String topic, String group) {
        return topic + "." + group + ".dlt";
    }

    /**
     * Whether a header is one the dead-letter writer writes: Herald's {@code herald-dlt-*} headers and
     * {@link HeraldHeaders#ATTEMPT}. A dead-letter copy replaces them with its own; a redrive drops them.
     *
     * @param name a header name
     * @return true for a header the writer owns
     */
    public static boolean written(String name) {
        return name.startsWith(PREFIX) || name.equals(HeraldHeaders.ATTEMPT);
    }

    /**
     * Why a record was dead-lettered, for a record read from {@code topic}, {@code partition} and
     * {@code offset}.
     *
     * @param reason    the reason, such as {@code exhausted}, {@code expired} or what a push endpoint answered
     * @param topic     the topic the record was read from
     * @param partition its partition
     * @param offset    its offset
     * @return a letter without group, attempts or failure; add them with the {@code with} methods
     */
    public static Letter letter(String reason, String topic, int partition, long offset) {
        return new Letter(reason, topic, partition, offset, null, null, null);
    }

    /**
     * What a dead-letter copy says about the record it copies.
     *
     * @param reason    the reason it was dead-lettered ({@link HeraldHeaders#DLT_REASON})
     * @param topic     the topic it was read from ({@link HeraldHeaders#DLT_ORIGINAL_TOPIC})
     * @param partition its partition ({@link HeraldHeaders#DLT_ORIGINAL_PARTITION})
     * @param offset    its offset ({@link HeraldHeaders#DLT_ORIGINAL_OFFSET})
     * @param group     the consumer group that gave up ({@link HeraldHeaders#DLT_GROUP}), or null
     * @param attempts  deliveries made ({@link HeraldHeaders#ATTEMPT}), or null when not counted
     * @param failure   the last exception ({@link HeraldHeaders#DLT_EXCEPTION_CLASS} and
     *                  {@link HeraldHeaders#DLT_EXCEPTION_MESSAGE}), or null when none was thrown
     */
    public record Letter(String reason, String topic, int partition, long offset, String group, Integer attempts,
                         Throwable failure) {

        /**
         * This letter from a consumer group after some deliveries.
         *
         * @param group    the consumer group
         * @param attempts the deliveries made
         * @return a copy with group and attempts
         */
        public Letter by(String group, int attempts) {
            return new Letter(reason, topic, partition, offset, group, attempts, failure);
        }

        /**
         * This letter with the exception that failed the last delivery.
         *
         * @param failure the exception, or null when none was thrown
         * @return a copy with the failure
         */
        public Letter failure(Throwable failure) {
            return new Letter(reason, topic, partition, offset, group, attempts, failure);
        }

        /**
         * The headers of the dead-letter copy: the original record's headers except the ones the writer
         * owns ({@link #written}; {@link HeraldHeaders#ATTEMPT} is kept when this letter counts no attempts),
         * then reason, original topic, partition and offset, group, attempts and the exception class and
         * message (cut to {@link #MAX_EXCEPTION_MESSAGE} characters), each only when known. Header types
         * differ between callers, so they say how to read a header's name and how to make one.
         *
         * @param original the failed record's headers
         * @param nameOf   reads a header's name
         * @param make     makes a header of a name and a UTF-8 value
         * @param <H>      the header type
         * @return the headers, in that order
         */
        public <H> List<H> headers(Iterable<H> original, Function<H, String> nameOf, BiFunction<String, byte[], H> make) {
            List<H> out = new ArrayList<>();
            for (H h : original) {
                String name = nameOf.apply(h);
                if (!written(name) || (attempts == null && name.equals(HeraldHeaders.ATTEMPT))) {
                    out.add(h);
                }
            }
            add(out, make, HeraldHeaders.DLT_REASON, reason);
            add(out, make, HeraldHeaders.DLT_ORIGINAL_TOPIC, topic);
            add(out, make, HeraldHeaders.DLT_ORIGINAL_PARTITION, Integer.toString(partition));
            add(out, make, HeraldHeaders.DLT_ORIGINAL_OFFSET, Long.toString(offset));
            if (group != null) {
                add(out, make, HeraldHeaders.DLT_GROUP, group);
            }
            if (attempts != null) {
                add(out, make, HeraldHeaders.ATTEMPT, Integer.toString(attempts));
            }
            if (failure != null) {
                add(out, make, HeraldHeaders.DLT_EXCEPTION_CLASS, failure.getClass().getName());
                String message = String.valueOf(failure.getMessage());
                add(out, make, HeraldHeaders.DLT_EXCEPTION_MESSAGE,
                        message.length() > MAX_EXCEPTION_MESSAGE ? message.substring(0, MAX_EXCEPTION_MESSAGE) : message);
            }
            return out;
        }

        private static <H> void add(List<H> out, BiFunction<String, byte[], H> make, String name, String value) {
            out.add(make.apply(name, value.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
