package io.herald.server.catalog;

import io.herald.server.audit.Auditor;
import io.herald.server.common.ConflictException;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.TimeInput;
import io.herald.server.common.Violations;
import io.herald.server.egress.EgressPolicy;
import io.herald.server.security.Caller;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Processors: an HTTP or gRPC endpoint that the server pushes a binding's messages to. */
@Service
@Transactional
public class ProcessorService {

    private final ProcessorRepository processors;
    private final BindingRepository bindings;
    private final ConfigVersions versions;
    private final Auditor auditor;
    private final EgressPolicy egress;

    ProcessorService(ProcessorRepository processors, BindingRepository bindings, ConfigVersions versions, Auditor auditor,
                     EgressPolicy egress) {
        this.egress = egress;
        this.processors = processors;
        this.bindings = bindings;
        this.versions = versions;
        this.auditor = auditor;
    }

    /** Create or change a processor; on update, null fields stay as they are. */
    public record ProcessorRequest(Long bindingId, String protocol, String address, Long timeoutMillis,
                                   Long retryIntervalMillis, Integer retryCount, Boolean retryExponential,
                                   List<Integer> retryStatusCodes, Integer concurrency, Integer ratePerSecond, Boolean paused,
                                   String passBack, Long processingDelayMillis, String startPosition) {

        /** Without a pass-back value (the form of earlier callers). */
        public ProcessorRequest(Long bindingId, String protocol, String address, Long timeoutMillis, Long retryIntervalMillis,
                                Integer retryCount, Boolean retryExponential, List<Integer> retryStatusCodes, Integer concurrency,
                                Integer ratePerSecond, Boolean paused) {
            this(bindingId, protocol, address, timeoutMillis, retryIntervalMillis, retryCount, retryExponential, retryStatusCodes,
                    concurrency, ratePerSecond, paused, null, null, null);
        }
    }

    public ProcessorView create(Caller caller, ProcessorRequest r) {
        Violations v = new Violations();
        if (r.bindingId() == null) {
            v.add("bindingId", "is required");
        }
        ProcessorProtocol protocol = protocol(v, r.protocol() == null ? "HTTP" : r.protocol());
        address(v, protocol, r.address());
        settings(v, r);
        retryStatusCodes(v, protocol, r.retryStatusCodes());
        v.throwIfAny();
        BindingEntity binding = bindings.findById(r.bindingId())
                .orElseThrow(() -> new NotFoundException("Binding", String.valueOf(r.bindingId()), "bindingId"));
        caller.requireApp(binding.app.name);
        if (binding.blocked()) {
            throw new io.herald.server.common.ForbiddenException(binding.topic.notConsumable(binding.app.name) + "; binding "
                    + binding.id + " is blocked");
        }
        if (processors.findByBinding(binding).isPresent()) {
            throw new ConflictException("Binding " + binding.id + " already has a processor", "bindingId");
        }
        ProcessorEntity p = new ProcessorEntity();
        p.binding = binding;
        p.protocol = protocol;
        p.address = r.address().strip();
        p.timeoutMs = r.timeoutMillis() != null ? r.timeoutMillis() : 5000;
        p.retryIntervalMs = r.retryIntervalMillis() != null ? r.retryIntervalMillis() : 1000;
        p.retryCount = r.retryCount() != null ? r.retryCount() : 3;
        p.retryExponential = Boolean.TRUE.equals(r.retryExponential());
        p.retryStatusCodes = r.retryStatusCodes() == null ? "" : stored(r.retryStatusCodes());
        p.concurrency = r.concurrency() != null ? r.concurrency() : 1;
        p.ratePerSecond = r.ratePerSecond();
        p.paused = Boolean.TRUE.equals(r.paused());
        p.passBack = r.passBack() == null ? "" : r.passBack();
        p.processingDelayMs = r.processingDelayMillis() == null ? 0 : r.processingDelayMillis();
        p.startPosition = r.startPosition() == null ? "" : r.startPosition().strip().toLowerCase(Locale.ROOT);
        processors.saveAndFlush(p);
        versions.appChanged(p.binding.app.id);
        auditor.record(caller, "create", "processor", String.valueOf(p.id), null, p.view());
        return p.view();
    }

    @Transactional(readOnly = true)
    public List<ProcessorView> list(Caller caller, String app) {
        String appFilter = app == null ? "" : app;
        if (!caller.admin() && !caller.readOnly()) {
            if (!appFilter.isEmpty() && !appFilter.equals(caller.app())) {
                throw new ForbiddenException("The caller may not list processors of app '" + app + "'");
            }
            appFilter = caller.app();
        }
        return processors.search(appFilter).stream().map(ProcessorEntity::view).toList();
    }

    @Transactional(readOnly = true)
    public ProcessorView get(Caller caller, long id) {
        ProcessorEntity p = find(id);
        if (!caller.readOnly() && !caller.actsFor(p.binding.app.name)) {
            throw new ForbiddenException("The caller may not read processors of app '" + p.binding.app.name + "'");
        }
        return p.view();
    }

    public ProcessorView update(Caller caller, long id, ProcessorRequest r) {
        ProcessorEntity p = find(id);
        caller.requireApp(p.binding.app.name);
        Violations v = new Violations();
        if (r.bindingId() != null && r.bindingId() != p.binding.id.longValue()) {
            v.add("bindingId", "cannot be changed; create a processor for the other binding");
        }
        if (r.startPosition() != null && !r.startPosition().strip().equalsIgnoreCase(p.startPosition)) {
            v.add("startPosition", "only applies when a processor is created: its group has committed offsets since");
        }
        ProcessorProtocol protocol = r.protocol() != null ? protocol(v, r.protocol()) : p.protocol;
        if (r.address() != null || protocol != p.protocol) {
            address(v, protocol, r.address() != null ? r.address() : p.address);
        }
        settings(v, r);
        // the codes kept must still mean something when only the protocol changes
        retryStatusCodes(v, protocol, r.retryStatusCodes() != null ? r.retryStatusCodes() : ProcessorView.parseCodes(p.retryStatusCodes));
        v.throwIfAny();
        ProcessorView before = p.view();
        p.protocol = protocol;
        if (r.address() != null) {
            p.address = r.address().strip();
        }
        if (r.timeoutMillis() != null) {
            p.timeoutMs = r.timeoutMillis();
        }
        if (r.retryIntervalMillis() != null) {
            p.retryIntervalMs = r.retryIntervalMillis();
        }
        if (r.retryCount() != null) {
            p.retryCount = r.retryCount();
        }
        if (r.retryExponential() != null) {
            p.retryExponential = r.retryExponential();
        }
        if (r.retryStatusCodes() != null) {
            p.retryStatusCodes = stored(r.retryStatusCodes());
        }
        if (r.concurrency() != null) {
            p.concurrency = r.concurrency();
        }
        if (r.ratePerSecond() != null) {
            p.ratePerSecond = r.ratePerSecond() == 0 ? null : r.ratePerSecond();
        }
        if (r.paused() != null) {
            p.paused = r.paused();
        }
        if (r.passBack() != null) {
            p.passBack = r.passBack();
        }
        if (r.processingDelayMillis() != null) {
            p.processingDelayMs = r.processingDelayMillis();
        }
        p.updatedAt = Instant.now();
        processors.saveAndFlush(p);
        versions.catalogChanged(); // the app's snapshot only says that a processor serves the binding
        auditor.record(caller, "update", "processor", String.valueOf(id), before, p.view());
        return p.view();
    }

    public void delete(Caller caller, long id) {
        ProcessorEntity p = find(id);
        caller.requireApp(p.binding.app.name);
        ProcessorView before = p.view();
        processors.delete(p);
        processors.flush();
        versions.appChanged(p.binding.app.id);
        auditor.record(caller, "delete", "processor", String.valueOf(id), before, null);
    }

    ProcessorEntity find(long id) {
        return processors.findById(id).orElseThrow(() -> new NotFoundException("Processor", String.valueOf(id)));
    }

    private static String stored(List<Integer> codes) {
        return codes.stream().distinct().sorted().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
    }

    /**
     * HTTP: 4xx statuses (timeouts, 5xx and 429 are retried anyway). gRPC: status codes 1 to 16
     * ({@code io.grpc.Status.Code} values; UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED and ABORTED are retried anyway).
     */
    private static void retryStatusCodes(Violations v, ProcessorProtocol protocol, List<Integer> codes) {
        if (codes == null) {
            return;
        }
        if (codes.size() > 20) {
            v.add("retryStatusCodes", "may list at most 20 statuses");
            return;
        }
        for (Integer code : codes) {
            if (protocol == ProcessorProtocol.GRPC && (code == null || code < 1 || code > 16)) {
                v.add("retryStatusCodes", "must list gRPC status codes (1 to 16, such as 5 for NOT_FOUND or 13 for INTERNAL) for a"
                        + " GRPC processor, not " + code + ": UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED and ABORTED are"
                        + " always retried, other statuses never");
                return;
            }
            if (protocol == ProcessorProtocol.HTTP && (code == null || code < 400 || code > 499)) {
                v.add("retryStatusCodes", "must list 4xx statuses (400 to 499), not " + code
                        + ": timeouts, 5xx and 429 are always retried, other statuses never");
                return;
            }
        }
    }

    private static ProcessorProtocol protocol(Violations v, String protocol) {
        try {
            return ProcessorProtocol.valueOf(protocol.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            v.add("protocol", "must be HTTP or GRPC");
            return ProcessorProtocol.HTTP;
        }
    }

    /** A well-formed address the server may call (not loopback, link-local, private… unless allowed: {@link EgressPolicy}). */
    private void address(Violations v, ProcessorProtocol protocol, String address) {
        if (protocol == ProcessorProtocol.GRPC) {
            CatalogRules.grpcAddress(v, "address", address);
            if (!v.has("address")) {
                egress.checkGrpcTarget(v, "address", address);
            }
        } else {
            CatalogRules.httpAddress(v, "address", address);
            if (!v.has("address")) {
                egress.checkUrl(v, "address", address);
            }
        }
    }

    private static void settings(Violations v, ProcessorRequest r) {
        if (r.passBack() != null && r.passBack().length() > 2000) {
            v.add("passBack", "must be at most 2000 characters");
        }
        CatalogRules.range(v, "processingDelayMillis", r.processingDelayMillis(), 0, 30L * 24 * 3600 * 1000);
        if (r.startPosition() != null && !r.startPosition().isBlank()) {
            String s = r.startPosition().strip().toLowerCase(Locale.ROOT);
            if (!s.equals("earliest") && !s.equals("latest") && !TimeInput.RFC_3339.accepts(r.startPosition())) {
                v.add("startPosition", "must be earliest, latest or a time such as 2030-01-01T12:00:00Z");
            }
        }
        CatalogRules.range(v, "timeoutMillis", r.timeoutMillis(), 1, 300_000);
        CatalogRules.range(v, "retryIntervalMillis", r.retryIntervalMillis(), 0, 3_600_000);
        CatalogRules.range(v, "retryCount", r.retryCount() == null ? null : r.retryCount().longValue(), 0, 100);
        CatalogRules.range(v, "concurrency", r.concurrency() == null ? null : r.concurrency().longValue(), 1, 1024);
        if (r.ratePerSecond() != null && r.ratePerSecond() != 0) {
            CatalogRules.range(v, "ratePerSecond", r.ratePerSecond().longValue(), 1, 100_000);
        }
    }

}
