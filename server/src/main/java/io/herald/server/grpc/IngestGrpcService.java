package io.herald.server.grpc;

import com.google.protobuf.Timestamp;
import com.google.rpc.Code;
import io.cloudevents.CloudEvent;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.herald.proto.v1.EventResult;
import io.herald.proto.v1.IngestGrpc;
import io.herald.proto.v1.PublishBatchRequest;
import io.herald.proto.v1.PublishBatchResponse;
import io.herald.proto.v1.PublishRequest;
import io.herald.proto.v1.PublishResponse;
import io.herald.proto.v1.TransactionRequest;
import io.herald.proto.v1.TransactionResponse;
import io.herald.server.common.HeraldException;
import io.herald.server.common.ValidationException;
import io.herald.server.ingest.IngestProperties;
import io.herald.server.ingest.IngestService;
import io.herald.server.security.Caller;
import io.herald.server.tx.Transactions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code herald.v1.Ingest}: the gRPC door to {@link IngestService}, the same checks, delays and
 * acknowledgement rule as HTTP ingestion. Calls never wait on a thread for Kafka: an answer is
 * sent when Kafka's acknowledgement arrives, from {@code acks} (not from Kafka's I/O thread).
 */
final class IngestGrpcService extends IngestGrpc.IngestImplBase {

    private final IngestService ingest;
    private final IngestProperties ingestProps;
    private final GrpcProperties props;
    private final Executor acks;
    private final Transactions transactions;

    IngestGrpcService(IngestService ingest, IngestProperties ingestProps, GrpcProperties props, Executor acks,
                      Transactions transactions) {
        this.ingest = ingest;
        this.transactions = transactions;
        this.ingestProps = ingestProps;
        this.props = props;
        this.acks = acks;
    }

    @Override
    public void publish(PublishRequest request, StreamObserver<PublishResponse> response) {
        try {
            Caller caller = CallerInterceptor.CALLER.get();
            String topic = topic(request.getTopic());
            IngestService.Due due = due(request.getDelay(), request.getDeliverAt(), request.getDelayId(), request.getExpiresAt());
            CloudEvent event = ProtoEvents.toEvent(request.getEvent(), "");
            if (request.getPrepare()) {
                if (due != null) {
                    throw new ValidationException("prepare", "a prepared (two-phase) event cannot also be delayed");
                }
                response.onNext(answer(ingest.prepare(caller, topic, event, "")));
                response.onCompleted();
                return;
            }
            ingest.publishAsync(caller, topic, event, due).whenCompleteAsync((r, e) -> {
                if (e != null) {
                    response.onError(GrpcStatuses.of(e));
                } else {
                    response.onNext(answer(r));
                    response.onCompleted();
                }
            }, acks);
        } catch (RuntimeException e) {
            response.onError(GrpcStatuses.of(e));
        }
    }

    @Override
    public void publishBatch(PublishBatchRequest request, StreamObserver<PublishBatchResponse> response) {
        try {
            Caller caller = CallerInterceptor.CALLER.get();
            String topic = topic(request.getTopic());
            if (request.getEventsCount() > ingestProps.maxBatchEvents()) {
                throw new GrpcRefusal(413, "A batch may hold at most " + ingestProps.maxBatchEvents()
                        + " events (herald.ingest.max-batch-events)", "events");
            }
            IngestService.Due due = due(request.getDelay(), request.getDeliverAt(), "", request.getExpiresAt());
            List<IngestService.Incoming> events = new ArrayList<>(request.getEventsCount());
            for (io.cloudevents.v1.proto.CloudEvent e : request.getEventsList()) {
                try {
                    events.add(new IngestService.Incoming(ProtoEvents.toEvent(e, ""), null));
                } catch (HeraldException bad) {
                    events.add(new IngestService.Incoming(null, bad));
                }
            }
            PublishBatchResponse.Builder out = PublishBatchResponse.newBuilder();
            for (IngestService.BatchItem item : ingest.publishEach(caller, topic, events, due)) {
                EventResult.Builder r = EventResult.newBuilder().setIndex(item.index()).setCode(GrpcStatuses.code(item.status()));
                if (item.id() != null) {
                    r.setId(item.id());
                }
                if (item.partition() != null) {
                    r.setPartition(item.partition()).setOffset(item.offset());
                }
                if (item.dueAt() != null) {
                    r.setDueAt(timestamp(item.dueAt())).setDelayId(item.delayId());
                }
                if (item.detail() != null) {
                    r.setMessage(item.detail());
                }
                if (item.field() != null) {
                    r.setField(item.field());
                }
                out.addResults(r);
            }
            response.onNext(out.build());
            response.onCompleted();
        } catch (RuntimeException e) {
            response.onError(GrpcStatuses.of(e));
        }
    }

    @Override
    public StreamObserver<PublishRequest> publishStream(StreamObserver<EventResult> response) {
        Caller caller = CallerInterceptor.CALLER.get();
        ServerCallStreamObserver<EventResult> out = (ServerCallStreamObserver<EventResult>) response;
        out.disableAutoRequest();
        out.request(props.streamWindow());
        return new StreamObserver<>() {
            private final AtomicInteger next = new AtomicInteger();
            private final AtomicInteger open = new AtomicInteger(1); // events under way + 1 until the client half-closes
            private volatile boolean done;

            @Override
            public void onNext(PublishRequest request) {
                int index = next.getAndIncrement();
                open.incrementAndGet();
                try {
                    String topic = topic(request.getTopic());
                    IngestService.Due due = due(request.getDelay(), request.getDeliverAt(), request.getDelayId(), request.getExpiresAt());
                    ingest.publishAsync(caller, topic, ProtoEvents.toEvent(request.getEvent(), ""), due)
                            .whenCompleteAsync((r, e) -> acknowledge(e == null ? ok(index, r) : failed(index, e)), acks);
                } catch (RuntimeException e) {
                    acknowledge(failed(index, e));
                }
            }

            private void acknowledge(EventResult result) {
                synchronized (out) {
                    if (!done && !out.isCancelled()) {
                        out.onNext(result);
                    }
                }
                out.request(1);
                release();
            }

            private void release() {
                if (open.decrementAndGet() == 0) {
                    synchronized (out) {
                        if (!done && !out.isCancelled()) {
                            done = true;
                            out.onCompleted();
                        }
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                done = true; // the client went away: the events under way are still written, nobody is told
            }

            @Override
            public void onCompleted() {
                release();
            }
        };
    }

    @Override
    public void commit(TransactionRequest request, StreamObserver<TransactionResponse> response) {
        decide(request, response, true);
    }

    @Override
    public void rollback(TransactionRequest request, StreamObserver<TransactionResponse> response) {
        decide(request, response, false);
    }

    private void decide(TransactionRequest request, StreamObserver<TransactionResponse> response, boolean commit) {
        try {
            if (request.getId().isEmpty()) {
                throw new ValidationException("id", "is required");
            }
            Transactions.TxView v = transactions.decideManually(CallerInterceptor.CALLER.get(), request.getId(), commit);
            response.onNext(TransactionResponse.newBuilder().setId(v.messageId()).setState(v.state()).build());
            response.onCompleted();
        } catch (RuntimeException e) {
            response.onError(GrpcStatuses.of(e));
        }
    }

    private static EventResult ok(int index, IngestService.EventResult r) {
        EventResult.Builder b = EventResult.newBuilder().setIndex(index).setCode(Code.OK).setId(r.id());
        if (r.partition() != null) {
            b.setPartition(r.partition()).setOffset(r.offset());
        }
        if (r.dueAt() != null) {
            b.setDueAt(timestamp(r.dueAt())).setDelayId(r.delayId());
        }
        return b.build();
    }

    private static EventResult failed(int index, Throwable e) {
        Throwable cause = GrpcStatuses.unwrap(e);
        if (!(cause instanceof HeraldException)) {
            GrpcStatuses.of(cause); // logs Herald's own failure
        }
        return EventResult.newBuilder().setIndex(index).setCode(GrpcStatuses.code(cause)).setMessage(GrpcStatuses.message(cause))
                .setField(GrpcStatuses.field(cause)).build();
    }

    private static PublishResponse answer(IngestService.EventResult r) {
        PublishResponse.Builder b = PublishResponse.newBuilder().setId(r.id()).setTopic(r.topic());
        if (r.partition() != null) {
            b.setPartition(r.partition()).setOffset(r.offset());
        }
        if (r.dueAt() != null) {
            b.setDueAt(timestamp(r.dueAt())).setDelayId(r.delayId());
        }
        if (r.transaction() != null) {
            b.setTransaction(r.transaction());
        }
        return b.build();
    }

    private static String topic(String topic) {
        if (topic.isEmpty()) {
            throw new ValidationException("topic", "is required");
        }
        return topic;
    }

    /** The delay fields, read as HTTP's Herald-Delay headers are, with errors naming the request's fields. */
    private IngestService.Due due(String delay, String deliverAt, String delayId, String expiresAt) {
        try {
            return ingest.due(delay.isEmpty() ? null : delay, deliverAt.isEmpty() ? null : deliverAt, delayId.isEmpty() ? null : delayId,
                    expiresAt.isEmpty() ? null : expiresAt);
        } catch (ValidationException e) {
            throw new ValidationException(e.violations().stream().map(v -> new ValidationException.FieldViolation(
                    switch (v.field()) {
                        case "Herald-Delay" -> "delay";
                        case "Herald-Deliver-At" -> "deliver_at";
                        case "Herald-Delay-Id" -> "delay_id";
                        case "Herald-Expires-At" -> "expires_at";
                        default -> v.field();
                    }, v.message().replace("Herald-Delay-Id", "delay_id").replace("Herald-Deliver-At", "deliver_at")
                    .replace("Herald-Expires-At", "expires_at")
                    .replace("Herald-Delay", "delay"))).toList());
        }
    }

    static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
