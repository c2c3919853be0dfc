package io.herald.server.catalog;

/** How a processor receives pushed events: an HTTP POST, or a gRPC {@code herald.v1.Dispatcher/Dispatch} call. */
public enum ProcessorProtocol { HTTP, GRPC }
