package io.herald.server.replay;

/** Replays one traced message: its original record goes to the target again. */
public record MessageReplayRequest(ReplayTarget target, Boolean dryRun) {
}
