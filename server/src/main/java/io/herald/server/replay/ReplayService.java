package io.herald.server.replay;

import io.herald.sdk.wire.HeraldTopics;
import io.herald.server.audit.Auditor;
import io.herald.server.catalog.BindingService;
import io.herald.server.catalog.BindingView;
import io.herald.server.catalog.PageView;
import io.herald.server.catalog.TopicService;
import io.herald.server.catalog.TopicView;
import io.herald.server.common.ConflictException;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.TimeInput;
import io.herald.server.common.ValidationException;
import io.herald.server.common.Violations;
import io.herald.server.security.Caller;
import io.herald.server.trace.GroupTrace;
import io.herald.server.trace.MessageTrace;
import io.herald.server.trace.TraceService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Replays: a time window of a topic, one traced message, or a binding's dead letters, to one consumer
 * group or to the topic itself. Every start is planned against Kafka's offsets first (what a dry run
 * answers), then stored as a job that the instances' {@link ReplayWorker}s copy.
 *
 * <p>Who may: for a group target the app owning the group, for the topic itself the app owning the
 * topic; admins always. Reading a job: its app, admins and console users.
 */
@Service
public class ReplayService {

    static final String WINDOW = "WINDOW";
    static final String MESSAGES = "MESSAGES";
    static final String REDRIVE = "REDRIVE";
    public static final int PAGE_MAX = 100;
    static final int MAX_RATE = 1_000_000;
    static final int MAX_CHOSEN = 10_000;
    static final int MAX_RECORDS_SHOWN = 1000;
    public static final Set<String> STATES = Set.of(ReplayJobs.PENDING, ReplayJobs.RUNNING, ReplayJobs.DONE,
            ReplayJobs.CANCELLED, ReplayJobs.FAILED);

    private final ReplayJobs jobs;
    private final ReplayKafka kafka;
    private final TopicService topics;
    private final BindingService bindings;
    private final TraceService traces;
    private final Auditor auditor;
    private final ReplayWorker worker;
    private final TransactionTemplate tx;

    ReplayService(ReplayJobs jobs, ReplayKafka kafka, TopicService topics, BindingService bindings, TraceService traces,
                  Auditor auditor, ReplayWorker worker, TransactionTemplate tx) {
        this.jobs = jobs;
        this.kafka = kafka;
        this.topics = topics;
        this.bindings = bindings;
        this.traces = traces;
        this.auditor = auditor;
        this.worker = worker;
        this.tx = tx;
    }

    /** A validated replay: what to read, where to write, and the ranges it maps to. */
    private record Draft(String kind, String app, String sourceTopic, String originalTopic, String group, String targetTopic,
                         Instant from, Instant to, String type, String key, Integer rate, Map<Integer, long[]> ranges,
                         List<ReplayPlan.RecordPlan> chosen) {

        long total() {
            if (chosen != null) {
                return chosen.size();
            }
            return ranges.values().stream().mapToLong(r -> r[1] - r[0]).sum();
        }

        ReplayPlan plan() {
            List<ReplayPlan.PartitionPlan> parts = new ArrayList<>();
            new TreeMap<>(ranges).forEach((p, r) -> parts.add(new ReplayPlan.PartitionPlan(p, r[0], r[1], r[1] - r[0])));
            return new ReplayPlan(true, kind, sourceTopic, group, targetTopic, from, to, type, key, rate, parts, total(),
                    type != null || key != null, chosen);
        }
    }

    private record Target(String app, String group, String topic) {
    }

    // ---------------------------------------------------------------- window

    public ReplayPlan plan(Caller caller, ReplayRequest r) {
        return window(caller, r).plan();
    }

    public ReplayJobView start(Caller caller, ReplayRequest r) {
        return save(caller, window(caller, r));
    }

    private Draft window(Caller caller, ReplayRequest r) {
        Violations v = new Violations();
        if (blank(r.topic())) {
            v.add("topic", "is required");
        }
        Instant from = TimeInput.INSTANT.read("from", r.from(), v::add);
        Instant to = TimeInput.INSTANT.read("to", r.to(), v::add);
        if (r.from() == null || r.from().isBlank()) {
            v.add("from", "is required: the start of the window (ISO-8601 time or epoch milliseconds)");
        }
        Instant now = Instant.now();
        if (to == null && !v.has("to")) {
            to = now;
        }
        if (to != null && to.isAfter(now.plusSeconds(5))) {
            v.add("to", "must not be in the future: records not written yet cannot be replayed");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            v.add("to", "must be after 'from'");
        }
        if (r.type() != null && r.type().length() > 200) {
            v.add("type", "must be at most 200 characters");
        }
        if (r.key() != null && r.key().length() > 512) {
            v.add("key", "must be at most 512 characters");
        }
        rate(v, r.ratePerSecond());
        targetShape(v, r.target());
        v.throwIfAny();
        TopicView topic = topic(r.topic(), "topic");
        Target target = target(caller, topic, r.target());
        List<Integer> partitions = kafka.partitions(topic.name())
                .orElseThrow(() -> new ConflictException("Topic '" + topic.name() + "' does not exist in Kafka", "topic"));
        Map<Integer, long[]> ranges = kafka.window(topic.name(), partitions, from, to);
        return new Draft(WINDOW, target.app(), topic.name(), topic.name(), target.group(), target.topic(), from, to,
                blankToNull(r.type()), emptyToNull(r.key()), r.ratePerSecond(), ranges, null);
    }

    // ---------------------------------------------------------------- one traced message

    public ReplayPlan planMessage(Caller caller, String messageId, MessageReplayRequest r) {
        return message(caller, messageId, r).plan();
    }

    public ReplayJobView startMessage(Caller caller, String messageId, MessageReplayRequest r) {
        return save(caller, message(caller, messageId, r));
    }

    private Draft message(Caller caller, String messageId, MessageReplayRequest r) {
        Violations v = new Violations();
        targetShape(v, r == null ? null : r.target());
        v.throwIfAny();
        MessageTrace trace = traces.find(messageId).orElseThrow(() -> new NotFoundException("Message trace", messageId));
        if (trace.topic() == null || trace.partition() == null || trace.offset() == null) {
            throw new ValidationException("messageId", "the trace of this message holds no Kafka position (no SENT or"
                    + " RECEIVED timepoint with partition and offset), so its record cannot be found");
        }
        TopicView topic = topic(trace.topic(), "messageId");
        Target target = target(caller, topic, r.target());
        List<Integer> partitions = kafka.partitions(topic.name())
                .orElseThrow(() -> new ConflictException("Topic '" + topic.name() + "' does not exist in Kafka", "messageId"));
        List<ReplayPlan.RecordPlan> records = new ArrayList<>();
        Map<Integer, long[]> ranges = chosen(topic.name(), partitions,
                List.of(new ReplayPlan.RecordPlan(trace.partition(), trace.offset(), messageId, false)), records);
        return new Draft(MESSAGES, target.app(), topic.name(), topic.name(), target.group(), target.topic(), null, null, null,
                null, null, ranges, records);
    }

    // ---------------------------------------------------------------- dead letters

    /** The first {@code limit} records of a binding's dead-letter topic. */
    public DeadLetterView deadLetters(Caller caller, String topic, String group, int limit) {
        Violations v = new Violations();
        if (blank(topic)) {
            v.add("topic", "is required");
        }
        if (blank(group)) {
            v.add("group", "is required");
        }
        if (limit < 1 || limit > 1000) {
            v.add("limit", "must be between 1 and 1000");
        }
        v.throwIfAny();
        BindingView binding = binding(topic, group, "group");
        if (!caller.readOnly() && !caller.actsFor(binding.app())) {
            throw new ForbiddenException("The caller may not read dead letters of app '" + binding.app() + "'");
        }
        if (!caller.admin() && !caller.readOnly()) {
            requireNotBlocked(binding);
        }
        String dlt = binding.deadLetterTopic();
        var partitions = kafka.partitions(dlt);
        if (partitions.isEmpty()) {
            return new DeadLetterView(topic, group, dlt, false, 0, List.of());
        }
        long total = kafka.everything(dlt, partitions.get()).values().stream().mapToLong(x -> x[1] - x[0]).sum();
        return new DeadLetterView(topic, group, dlt, true, total, kafka.read(dlt, partitions.get(), limit));
    }

    /**
     * Every dead-letter topic of the bindings the caller may read, with its size and the time stamps of
     * its oldest and newest record; the fullest first, then by group and topic.
     */
    public List<DeadLetterSummary> deadLetterOverview(Caller caller, List<BindingView> bindings) {
        List<BindingView> readable = bindings.stream().filter(b -> caller.readOnly() || caller.actsFor(b.app())).toList();
        Map<String, ReplayKafka.TopicStats> stats = kafka.stats(readable.stream().map(BindingView::deadLetterTopic)
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
        return readable.stream().map(b -> {
            ReplayKafka.TopicStats s = stats.get(b.deadLetterTopic());
            return s == null ? new DeadLetterSummary(b.id(), b.app(), b.group(), b.topic(), b.deadLetterTopic(), false, 0, null, null)
                    : new DeadLetterSummary(b.id(), b.app(), b.group(), b.topic(), b.deadLetterTopic(), true, s.total(),
                    s.oldest(), s.newest());
        }).sorted(java.util.Comparator.comparingLong(DeadLetterSummary::total).reversed()
                .thenComparing(DeadLetterSummary::group).thenComparing(DeadLetterSummary::topic)).toList();
    }

    public ReplayPlan planRedrive(Caller caller, RedriveRequest r) {
        return redrive(caller, r).plan();
    }

    public ReplayJobView startRedrive(Caller caller, RedriveRequest r) {
        return save(caller, redrive(caller, r));
    }

    private Draft redrive(Caller caller, RedriveRequest r) {
        Violations v = new Violations();
        if (blank(r.topic())) {
            v.add("topic", "is required");
        }
        if (blank(r.group())) {
            v.add("group", "is required");
        }
        boolean all = Boolean.TRUE.equals(r.all());
        List<RedriveRequest.RecordRef> chosen = r.records() == null ? List.of() : r.records();
        if (all == !chosen.isEmpty()) {
            v.add("records", "give the records to redrive, or \"all\": true");
        }
        if (chosen.size() > MAX_CHOSEN) {
            v.add("records", "at most " + MAX_CHOSEN + " records at once; use \"all\": true for more");
        }
        for (int i = 0; i < chosen.size(); i++) {
            RedriveRequest.RecordRef ref = chosen.get(i);
            if (ref == null || ref.partition() == null || ref.partition() < 0) {
                v.add("records[" + i + "].partition", "is required, 0 or more");
            }
            if (ref == null || ref.offset() == null || ref.offset() < 0) {
                v.add("records[" + i + "].offset", "is required, 0 or more");
            }
        }
        rate(v, r.ratePerSecond());
        v.throwIfAny();
        BindingView binding = binding(r.topic(), r.group(), "group");
        caller.requireApp(binding.app());
        requireNotBlocked(binding);
        String dlt = binding.deadLetterTopic();
        String target = HeraldTopics.replay(binding.group());
        var partitions = kafka.partitions(dlt);
        if (all) {
            Map<Integer, long[]> ranges = partitions.isEmpty() ? Map.of() : kafka.everything(dlt, partitions.get());
            return new Draft(REDRIVE, binding.app(), dlt, binding.topic(), binding.group(), target, null, null, null, null,
                    r.ratePerSecond(), ranges, null);
        }
        if (partitions.isEmpty()) {
            throw new ConflictException("Dead-letter topic '" + dlt + "' does not exist in Kafka", "records");
        }
        Set<Integer> known = new HashSet<>(partitions.get());
        Set<String> seen = new HashSet<>();
        List<ReplayPlan.RecordPlan> wanted = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            RedriveRequest.RecordRef ref = chosen.get(i);
            if (!known.contains(ref.partition())) {
                throw new ValidationException("records[" + i + "].partition", "topic '" + dlt + "' has no partition " + ref.partition());
            }
            if (seen.add(ref.partition() + ":" + ref.offset())) {
                wanted.add(new ReplayPlan.RecordPlan(ref.partition(), ref.offset(), null, false));
            }
        }
        List<ReplayPlan.RecordPlan> records = new ArrayList<>();
        Map<Integer, long[]> ranges = chosen(dlt, partitions.get(), wanted, records);
        return new Draft(MESSAGES, binding.app(), dlt, binding.topic(), binding.group(), target, null, null, null, null,
                r.ratePerSecond(), ranges, records);
    }

    /**
     * The ranges covering chosen records; records outside what the topic holds now are marked missing
     * (and left out of the ranges, so the copy never waits for an offset Kafka will not have).
     */
    private Map<Integer, long[]> chosen(String topic, List<Integer> partitions, List<ReplayPlan.RecordPlan> wanted,
                                        List<ReplayPlan.RecordPlan> out) {
        Map<Integer, long[]> held = kafka.everything(topic, partitions);
        Map<Integer, long[]> ranges = new TreeMap<>();
        for (ReplayPlan.RecordPlan w : wanted) {
            long[] h = held.get(w.partition());
            boolean present = h != null && w.offset() >= h[0] && w.offset() < h[1];
            out.add(new ReplayPlan.RecordPlan(w.partition(), w.offset(), w.messageId(), !present));
            if (present) {
                ranges.merge(w.partition(), new long[] {w.offset(), w.offset() + 1},
                        (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            }
        }
        return ranges;
    }

    // ---------------------------------------------------------------- jobs

    private ReplayJobView save(Caller caller, Draft d) {
        caller.requireWrite();
        long total = d.total();
        boolean empty = d.ranges().values().stream().allMatch(r -> r[0] >= r[1]);
        long id = Objects.requireNonNull(tx.execute(s -> {
            long jobId = jobs.insert(new ReplayJobs.Job(0, d.kind(), empty ? ReplayJobs.DONE : ReplayJobs.PENDING,
                    d.sourceTopic(), d.originalTopic(), d.group(), d.targetTopic(), d.from(), d.to(), d.type(), d.key(), d.rate(),
                    d.app(), total, 0, 0, false, null, null, 0, null, caller.name(), null, null, empty ? Instant.now() : null, 0,
                    null));
            List<ReplayJobs.Part> parts = new ArrayList<>();
            d.ranges().forEach((p, r) -> parts.add(new ReplayJobs.Part(p, r[0], r[1], r[0], 0, 0)));
            jobs.insertParts(jobId, parts);
            if (d.chosen() != null) {
                jobs.insertItems(jobId, d.chosen().stream().map(c -> c.missing()
                        ? new ReplayJobs.Item(c.partition(), c.offset(), c.messageId(), "MISSING", "not in the topic (any more)")
                        : new ReplayJobs.Item(c.partition(), c.offset(), c.messageId(), "PENDING", null)).toList());
            }
            auditor.record(caller, "create", "replay", String.valueOf(jobId), null, summary(jobId, d, total));
            return jobId;
        }));
        worker.wake();
        return view(jobs.find(id).orElseThrow());
    }

    private static Map<String, Object> summary(long id, Draft d, long total) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("kind", d.kind());
        m.put("topic", d.sourceTopic());
        m.put("targetGroup", d.group());
        m.put("targetTopic", d.targetTopic());
        m.put("from", d.from());
        m.put("to", d.to());
        m.put("type", d.type());
        m.put("key", d.key());
        m.put("ratePerSecond", d.rate());
        m.put("records", total);
        return m;
    }

    public ReplayJobView get(Caller caller, long id) {
        ReplayJobs.Job job = find(id);
        requireRead(caller, job);
        return view(job);
    }

    public PageView<ReplayJobView> list(Caller caller, String state, String topic, int page, int size) {
        Violations v = new Violations();
        if (page < 0) {
            v.add("page", "must be 0 or more");
        }
        if (size < 1 || size > PAGE_MAX) {
            v.add("size", "must be between 1 and " + PAGE_MAX);
        }
        String st = blank(state) ? null : state.strip().toUpperCase(Locale.ROOT);
        if (st != null && !STATES.contains(st)) {
            v.add("state", "must be one of PENDING, RUNNING, DONE, CANCELLED, FAILED");
        }
        v.throwIfAny();
        String app = caller.admin() || caller.readOnly() ? null : caller.app();
        if (app == null && !caller.admin() && !caller.readOnly()) {
            return new PageView<>(List.of(), page, size, 0, 0);
        }
        String t = blankToNull(topic);
        long total = jobs.count(app, st, t);
        List<ReplayJobView> items = jobs.list(app, st, t, size, (long) page * size).stream().map(j -> view(j, false)).toList();
        return new PageView<>(items, page, size, total, (int) ((total + size - 1) / size));
    }

    public ReplayJobView cancel(Caller caller, long id) {
        ReplayJobs.Job job = find(id);
        caller.requireApp(job.app());
        ReplayJobView before = view(job, false);
        if (before.finished()) {
            throw new ConflictException("Replay job " + id + " is already " + job.state(), "id");
        }
        tx.executeWithoutResult(s -> {
            jobs.requestCancel(id);
            auditor.record(caller, "cancel", "replay", String.valueOf(id), Map.of("state", before.state()),
                    Map.of("cancelRequested", true));
        });
        return view(find(id));
    }

    private ReplayJobs.Job find(long id) {
        return jobs.find(id).orElseThrow(() -> new NotFoundException("Replay job", String.valueOf(id)));
    }

    private static void requireRead(Caller caller, ReplayJobs.Job job) {
        if (!caller.readOnly() && !caller.actsFor(job.app())) {
            throw new ForbiddenException("The caller may not read replay jobs of app '" + job.app() + "'");
        }
    }

    ReplayJobView view(ReplayJobs.Job j) {
        return view(j, true);
    }

    private ReplayJobView view(ReplayJobs.Job j, boolean details) {
        List<ReplayJobs.Part> parts = jobs.parts(j.id());
        long span = parts.stream().mapToLong(p -> p.end() - p.start()).sum();
        long scanned = parts.stream().mapToLong(p -> p.next() - p.start()).sum();
        long total = j.total();
        long processed;
        boolean chosen = MESSAGES.equals(j.kind());
        if (chosen) {
            processed = jobs.countDoneItems(j.id());
        } else {
            processed = scanned;
            total = span;
        }
        int percent = ReplayJobs.DONE.equals(j.state()) ? 100
                : total == 0 ? 0 : (int) Math.min(99, processed * 100 / total);
        List<ReplayJobView.PartitionProgress> partitions = details ? parts.stream()
                .map(p -> new ReplayJobView.PartitionProgress(p.partition(), p.start(), p.end(), p.next(), p.copied(), p.skipped()))
                .toList() : null;
        List<ReplayJobView.RecordOutcome> records = null;
        if (details && (chosen || REDRIVE.equals(j.kind()))) {
            List<ReplayJobs.Item> items = jobs.items(j.id(), MAX_RECORDS_SHOWN);
            Set<String> ids = new HashSet<>();
            items.forEach(i -> {
                if (i.messageId() != null) {
                    ids.add(i.messageId());
                }
            });
            Map<String, GroupTrace> outcomes = traces.replayOutcomes(String.valueOf(j.id()), j.targetGroup(), ids);
            records = items.stream().map(i -> {
                GroupTrace g = i.messageId() == null ? null : outcomes.get(i.messageId());
                return new ReplayJobView.RecordOutcome(i.partition(), i.offset(), i.messageId(), i.outcome(), i.detail(),
                        g == null ? null : g.state(), g == null ? null : g.lastError());
            }).toList();
        }
        return new ReplayJobView(j.id(), j.kind(), j.state(), j.sourceTopic(), j.originalTopic(), j.targetGroup(),
                j.targetTopic(), j.from(), j.to(), j.type(), j.key(), j.ratePerSecond(), j.app(), j.total(), processed, j.copied(),
                j.written(), j.skipped(), percent, j.cancelRequested(), j.owner(), j.error(), j.createdBy(), j.createdAt(), j.startedAt(),
                j.finishedAt(), partitions, records);
    }

    // ---------------------------------------------------------------- helpers

    private TopicView topic(String name, String field) {
        try {
            return topics.get(name, false);
        } catch (NotFoundException e) {
            throw new NotFoundException("Topic", name, field);
        }
    }

    private BindingView binding(String topic, String group, String field) {
        List<BindingView> found = bindings.list(Caller.SYSTEM, null, topic, group);
        if (found.isEmpty()) {
            throw new ValidationException(field, "consumer group '" + group + "' has no binding on topic '" + topic + "'");
        }
        return found.get(0);
    }

    /** A blocked binding (its RESTRICTED topic no longer grants its app) is replayed to and redriven for nobody. */
    private void requireNotBlocked(BindingView binding) {
        if (binding.blocked()) {
            topics.requireConsumable(binding.app(), binding.topic());
        }
    }

    private static void targetShape(Violations v, ReplayTarget t) {
        if (t == null) {
            v.add("target", "is required: {\"group\": \"<consumer group>\"} or {\"topic\": true}");
        } else if (blank(t.group()) == !t.isTopic()) {
            v.add("target", "give either a group or \"topic\": true, not both");
        }
    }

    private Target target(Caller caller, TopicView topic, ReplayTarget t) {
        if (t.isTopic()) {
            caller.requireApp(topic.app());
            return new Target(topic.app(), null, topic.name());
        }
        BindingView binding = binding(topic.name(), t.group().strip(), "target.group");
        caller.requireApp(binding.app());
        requireNotBlocked(binding);
        return new Target(binding.app(), binding.group(), HeraldTopics.replay(binding.group()));
    }

    private static void rate(Violations v, Integer rate) {
        if (rate != null && (rate < 1 || rate > MAX_RATE)) {
            v.add("ratePerSecond", "must be between 1 and " + MAX_RATE);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String blankToNull(String s) {
        return blank(s) ? null : s.strip();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
