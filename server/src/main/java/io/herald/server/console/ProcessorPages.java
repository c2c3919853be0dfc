package io.herald.server.console;

import io.herald.server.catalog.BindingService;
import io.herald.server.catalog.BindingView;
import io.herald.server.catalog.ProcessorService;
import io.herald.server.catalog.ProcessorService.ProcessorRequest;
import io.herald.server.catalog.ProcessorView;
import io.herald.server.common.ConflictException;
import io.herald.server.common.ValidationException;
import io.herald.server.dispatch.DispatchSupervisor;
import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/** Processors (HTTP push endpoints of bindings): list, detail, edit, pause/resume, delete. Created from a binding. */
@Controller
@RequestMapping("/processors")
class ProcessorPages {

    static final List<String> FIELDS = List.of("protocol", "address", "timeoutMillis", "retryIntervalMillis", "retryCount",
            "retryExponential", "retryStatusCodes", "concurrency", "ratePerSecond", "paused", "passBack", "processingDelayMillis", "startPosition");

    private final ProcessorService processors;
    private final BindingService bindings;
    private final DispatchSupervisor dispatch;
    private final io.herald.server.metrics.GroupLag lag;

    ProcessorPages(ProcessorService processors, BindingService bindings, DispatchSupervisor dispatch,
                   io.herald.server.metrics.GroupLag lag) {
        this.lag = lag;
        this.processors = processors;
        this.bindings = bindings;
        this.dispatch = dispatch;
    }

    static ProcessorRequest request(Long bindingId, ProcessorForm f) {
        return new ProcessorRequest(bindingId, f.getProtocol(), f.getAddress(), f.getTimeoutMillis(), f.getRetryIntervalMillis(),
                f.getRetryCount(), f.isRetryExponential(), f.retryStatusCodes(), f.getConcurrency(),
                f.getRatePerSecond() == null ? (bindingId == null ? 0 : null) : f.getRatePerSecond(), f.isPaused(),
                f.getPassBack() == null ? "" : f.getPassBack(), f.getProcessingDelayMillis(),
                bindingId == null ? null : f.getStartPosition());
    }

    @GetMapping
    String list(Caller caller, HttpServletRequest request, Model model) {
        model.addAttribute("processors", processors.list(caller, null));
        return Views.of(request, "processors/list", "fragments/processors :: list");
    }

    /** Picks the binding a new processor is for; the processor form itself lives under the binding. */
    @GetMapping("/new")
    String choose(Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        Set<Long> taken = processors.list(caller, null).stream().map(ProcessorView::bindingId).collect(Collectors.toSet());
        List<BindingView> free = bindings.list(caller, null, null, null).stream().filter(b -> !taken.contains(b.id())).toList();
        model.addAttribute("free", free);
        return Views.of(request, "processors/choose", "fragments/processors :: choose");
    }

    @GetMapping("/{id}")
    String detail(@PathVariable long id, Caller caller, HttpServletRequest request, Model model) {
        ProcessorView p = processors.get(caller, id);
        model.addAttribute("p", p);
        model.addAttribute("stats", dispatch.stats(id).orElse(null));
        // the group's lag as Kafka has it (all instances together), not only this instance's pushes
        model.addAttribute("lag", lag.lag(p.group(), p.topic()).orElse(null));
        return Views.of(request, "processors/detail", "fragments/processors :: detail");
    }

    @GetMapping("/{id}/edit")
    String edit(@PathVariable long id, Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        ProcessorView p = processors.get(caller, id);
        ProcessorForm form = new ProcessorForm();
        form.setProtocol(p.protocol().name());
        form.setAddress(p.address());
        form.setPassBack(p.passBack());
        form.setProcessingDelayMillis(p.processingDelayMillis());
        form.setStartPosition(p.startPosition());
        form.setTimeoutMillis(p.timeoutMillis());
        form.setRetryIntervalMillis(p.retryIntervalMillis());
        form.setRetryCount(p.retryCount());
        form.setRetryExponential(p.retryExponential());
        form.setRetryStatusCodes(p.retryStatusCodesText());
        form.setConcurrency(p.concurrency());
        form.setRatePerSecond(p.ratePerSecond());
        form.setPaused(p.paused());
        model.addAttribute("p", p);
        model.addAttribute("form", form);
        model.addAttribute("errors", FormErrors.none());
        return Views.of(request, "processors/edit", "fragments/processors :: edit");
    }

    @PostMapping("/{id}")
    String update(@PathVariable long id, @ModelAttribute("form") ProcessorForm form, BindingResult binding, Caller caller,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        ProcessorView p = processors.get(caller, id);
        FormErrors errors;
        if (binding.hasErrors()) {
            errors = FormErrors.binding(binding);
            response.setStatus(422);
        } else {
            try {
                processors.update(caller, id, request(null, form));
                return Views.redirect(request, response, Views.path("processors", id), "Processor saved.");
            } catch (ValidationException | ConflictException e) {
                errors = FormErrors.of(e, FIELDS);
                response.setStatus(TopicPages.statusOf(e));
            }
        }
        model.addAttribute("p", p);
        model.addAttribute("errors", errors);
        return Views.of(request, "processors/edit", "fragments/processors :: editForm");
    }

    @PostMapping("/{id}/pause")
    String pause(@PathVariable long id, Caller caller, HttpServletRequest request, HttpServletResponse response, Model model) {
        return setPaused(id, true, caller, request, response, model);
    }

    @PostMapping("/{id}/resume")
    String resume(@PathVariable long id, Caller caller, HttpServletRequest request, HttpServletResponse response, Model model) {
        return setPaused(id, false, caller, request, response, model);
    }

    private String setPaused(long id, boolean paused, Caller caller, HttpServletRequest request, HttpServletResponse response,
                             Model model) {
        ProcessorView p = processors.update(caller, id, new ProcessorRequest(null, null, null, null, null, null, null, null, null, null, paused));
        if (Views.htmx(request)) {
            model.addAttribute("p", p);
            return "fragments/processors :: status";
        }
        return Views.redirect(request, response, Views.path("processors", id), paused ? "Processor paused." : "Processor resumed.");
    }

    @GetMapping("/{id}/delete")
    String confirmDelete(@PathVariable long id, Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        model.addAttribute("p", processors.get(caller, id));
        return Views.of(request, "processors/delete", "fragments/processors :: delete");
    }

    @PostMapping("/{id}/delete")
    String delete(@PathVariable long id, Caller caller, HttpServletRequest request, HttpServletResponse response) {
        processors.delete(caller, id);
        return Views.redirect(request, response, "/processors", "Processor deleted.");
    }
}
