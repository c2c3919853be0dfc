package io.herald.server.catalog;

/** How a processor receives pushed events. */
public enum ProcessorProtocol { HTTP }
