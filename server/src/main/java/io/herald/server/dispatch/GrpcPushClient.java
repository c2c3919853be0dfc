package io.herald.server.dispatch;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.herald.proto.v1.DispatchRequest;
import io.herald.proto.v1.DispatchResponse;
import io.herald.proto.v1.DispatcherGrpc;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.server.egress.GrpcTargets;
import io.herald.server.grpc.ProtoEvents;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Calls a processor's {@code herald.v1.Dispatcher/Dispatch} with one Kafka record as a CloudEvent in
 * the CloudEvents protobuf format, the processor's timeout as the call's deadline. UNAVAILABLE,
 * DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED and ABORTED, and the codes the processor lists in its
 * {@code retryStatusCodes}, are retried with the processor's strategy; any other status fails at once
 * (dead letter). An OK answer may still ask for a retry, refuse one
 * ({@code DO_NOT_RETRY}: dead letter) or cancel the event ({@code CANCEL}: dropped, counted).
 */
final class GrpcPushClient implements Pusher {

    static final Set<Status.Code> RETRIED = EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED);

    /** Written by the scheduler on each firing of a cyclic event (ScheduleFiring). */
    static final String REPEAT_HEADER = "herald-schedule-count";

    private final ManagedChannel channel;
    private final DispatcherGrpc.DispatcherBlockingStub stub;
    private final long timeoutMillis;
    private final String passBack;
    private final String processor;
    private final Set<Status.Code> alsoRetried;

    /**
     * @param names resolves the target and checks every address before the channel connects to it
     *              ({@link io.herald.server.egress.EgressPolicy#grpcResolver()})
     */
    GrpcPushClient(String address, long timeoutMillis, String passBack, String processor, java.util.Collection<Integer> retryStatusCodes,
                   io.grpc.NameResolver.Factory names, GrpcTargets targets) {
        this.alsoRetried = retryStatusCodes.isEmpty() ? Set.of() : EnumSet.copyOf(retryStatusCodes.stream()
                .map(c -> Status.fromCodeValue(c).getCode()).toList());
        this.channel = targets.channel(address, names);
        this.stub = DispatcherGrpc.newBlockingStub(channel);
        this.timeoutMillis = timeoutMillis;
        this.passBack = passBack == null ? "" : passBack;
        this.processor = processor;
    }

    @Override
    public PushClient.Outcome push(ConsumerRecord<byte[], byte[]> record, int attempt) {
        DispatchRequest request = DispatchRequest.newBuilder().setEvent(event(record)).setAttempt(attempt)
                .setPassBack(passBack).setRepeatCount(repeatCount(record)).setProcessor(processor).build();
        try {
            DispatchResponse r = stub.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS).dispatch(request);
            String why = r.getReason().isEmpty() ? "" : ": " + r.getReason();
            return switch (r.getOutcome()) {
                case DONE -> new PushClient.Outcome(PushClient.Verdict.SUCCESS, 0, null, null, null);
                case RETRY -> new PushClient.Outcome(PushClient.Verdict.RETRY, 0, null, "the processor asked for a retry" + why, null);
                case DO_NOT_RETRY -> new PushClient.Outcome(PushClient.Verdict.FAIL, 0, null,
                        "the processor failed and asked not to retry" + why, null);
                case CANCEL -> new PushClient.Outcome(PushClient.Verdict.DROP, 0, null, "the processor cancelled the event" + why, null);
                default -> new PushClient.Outcome(PushClient.Verdict.FAIL, 0, null, "unknown outcome " + r.getOutcomeValue(), null);
            };
        } catch (StatusRuntimeException e) {
            Status s = e.getStatus();
            String reason = "gRPC " + s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
            if (s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                reason = "no answer within " + timeoutMillis + " ms (gRPC DEADLINE_EXCEEDED)";
            }
            if (RETRIED.contains(s.getCode())) {
                return new PushClient.Outcome(PushClient.Verdict.RETRY, 0, null, reason, e);
            }
            if (alsoRetried.contains(s.getCode())) {
                return new PushClient.Outcome(PushClient.Verdict.RETRY, 0, null,
                        reason + " (retried: listed in the processor's retryStatusCodes)", e);
            }
            return new PushClient.Outcome(PushClient.Verdict.FAIL, 0, null, reason + " (not retried)", e);
        }
    }

    /** The record as a CloudEvent: its ce_ headers as attributes, its key as {@code partitionkey}; defaults for a plain record. */
    static io.cloudevents.v1.proto.CloudEvent event(ConsumerRecord<byte[], byte[]> record) {
        String id = null;
        String source = null;
        String type = null;
        String time = null;
        String contentType = null;
        java.util.List<String> extra = null;
        for (Header h : record.headers()) {
            if (h.value() == null) {
                continue;
            }
            String key = h.key();
            if (key.startsWith("ce_") && key.length() > 3) {
                String value = new String(h.value(), StandardCharsets.UTF_8);
                switch (key.substring(3)) {
                    case "specversion" -> { }
                    case "id" -> id = value;
                    case "source" -> source = value;
                    case "type" -> type = value;
                    case "time" -> time = value;
                    default -> extra = add(extra, key.substring(3), value);
                }
            } else if (key.equalsIgnoreCase(HeraldHeaders.CONTENT_TYPE)) {
                contentType = new String(h.value(), StandardCharsets.UTF_8);
            } else if (key.equals(HeraldHeaders.TRACEPARENT) || key.equals("tracestate")) {
                extra = add(extra, key, new String(h.value(), StandardCharsets.UTF_8));
            }
        }
        io.cloudevents.v1.proto.CloudEvent.Builder b = ProtoEvents.builder(
                id != null ? id : record.topic() + "-" + record.partition() + "-" + record.offset(),
                source != null ? source : "/topics/" + record.topic(), type != null ? type : "herald.record", contentType, time,
                record.value());
        if (time == null && record.timestamp() >= 0) {
            // the record's own time, as a timestamp straight away (no text to format and parse again)
            long ms = record.timestamp();
            b.putAttributes("time", io.cloudevents.v1.proto.CloudEvent.CloudEventAttributeValue.newBuilder()
                    .setCeTimestamp(com.google.protobuf.Timestamp.newBuilder().setSeconds(Math.floorDiv(ms, 1000))
                            .setNanos((int) Math.floorMod(ms, 1000) * 1_000_000)).build());
        }
        if (extra != null) {
            for (int i = 0; i < extra.size(); i += 2) {
                b.putAttributes(extra.get(i), ProtoEvents.string(extra.get(i + 1)));
            }
        }
        if (record.key() != null) {
            b.putAttributes("partitionkey", ProtoEvents.string(new String(record.key(), StandardCharsets.UTF_8)));
        }
        return b.build();
    }

    private static java.util.List<String> add(java.util.List<String> list, String name, String value) {
        java.util.List<String> l = list == null ? new java.util.ArrayList<>(4) : list;
        l.add(name);
        l.add(value);
        return l;
    }

    private static long repeatCount(ConsumerRecord<byte[], byte[]> record) {
        Header h = record.headers().lastHeader(REPEAT_HEADER);
        if (h == null || h.value() == null) {
            return 0;
        }
        try {
            return Long.parseLong(new String(h.value(), StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
