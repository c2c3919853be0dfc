package io.herald.server.replay;

/**
 * Where replayed records go: one consumer group ({@code group}, through {@code herald.replay.<group>}) or
 * the topic itself ({@code topic: true}, every group receives them again). Exactly one is given.
 */
public record ReplayTarget(String group, Boolean topic) {

    boolean isTopic() {
        return Boolean.TRUE.equals(topic);
    }
}
