package io.herald.server.catalog;

/**
 * Who may consume a topic and read what it exposes (metadata, schemas, traces, replays): every app
 * ({@code OPEN}, the default), or only its owner, its producers and the apps it lists as consumers
 * ({@code RESTRICTED}).
 */
public enum ConsumerPolicy { OPEN, RESTRICTED }
