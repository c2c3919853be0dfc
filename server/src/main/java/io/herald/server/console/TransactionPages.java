package io.herald.server.console;

import io.herald.server.common.ForbiddenException;
import io.herald.server.common.HeraldException;
import io.herald.server.security.Caller;
import io.herald.server.tx.Transactions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Two-phase messages in the console: the pending ones with their age and the check-backs made so
 * far (other states on request), and a manual commit or rollback per message. The decision goes
 * through the same service call as {@code POST /api/v1/transactions/{id}/commit|rollback}: the same
 * per-app check, "first decision wins" and audit entry. With htmx only the row's decision cell is
 * swapped, and a refused decision (already decided, gone) is shown in that cell. A discarded message
 * can be published anyway ({@code POST /api/v1/transactions/{id}/publish}): once, audited.
 */
@Controller
@RequestMapping("/transactions")
class TransactionPages {

    static final List<String> STATES = List.of("PENDING", "COMMITTING", "PUBLISHED", "ROLLED_BACK", "DISCARDED");
    private static final int LIMIT = 200;

    private final Transactions transactions;

    TransactionPages(Transactions transactions) {
        this.transactions = transactions;
    }

    @GetMapping
    String list(HttpServletRequest request, Model model, @RequestParam(required = false) String app,
                @RequestParam(required = false) String state) {
        String st = state == null || state.isBlank() ? "PENDING" : state.strip().toUpperCase(Locale.ROOT);
        if (!STATES.contains(st)) {
            st = "PENDING";
        }
        String a = app == null || app.isBlank() ? null : app.strip();
        List<Transactions.TxView> txs = transactions.list(a, st, LIMIT);
        model.addAttribute("txs", txs);
        List<Transactions.TxView> pending = st.equals("PENDING") ? txs : transactions.list(a, "PENDING", LIMIT);
        model.addAttribute("checkerWarnings", transactions.checkerWarnings(pending.stream().map(Transactions.TxView::app)
                .collect(java.util.stream.Collectors.toSet())));
        model.addAttribute("pendingCount", transactions.pending(a));
        model.addAttribute("state", st);
        model.addAttribute("app", a);
        model.addAttribute("states", STATES);
        model.addAttribute("limit", LIMIT);
        return Views.of(request, "transactions/list", "fragments/transactions :: list");
    }

    @PostMapping("/{id}/commit")
    String commit(@PathVariable String id, Caller caller, HttpServletRequest request, HttpServletResponse response, Model model) {
        return decide(id, true, caller, request, response, model);
    }

    @PostMapping("/{id}/rollback")
    String rollback(@PathVariable String id, Caller caller, HttpServletRequest request, HttpServletResponse response, Model model) {
        return decide(id, false, caller, request, response, model);
    }

    @PostMapping("/{id}/publish")
    String publish(@PathVariable String id, Caller caller, HttpServletRequest request, HttpServletResponse response, Model model) {
        return act(id, "publish", caller, request, response, model);
    }

    private String decide(String id, boolean commit, Caller caller, HttpServletRequest request, HttpServletResponse response,
                          Model model) {
        return act(id, commit ? "commit" : "rollback", caller, request, response, model);
    }

    private String act(String id, String action, Caller caller, HttpServletRequest request, HttpServletResponse response,
                          Model model) {
        Transactions.TxView t;
        try {
            t = action.equals("publish") ? transactions.publishAnyway(caller, id)
                    : transactions.decideManually(caller, id, action.equals("commit"));
        } catch (ForbiddenException e) {
            throw e;
        } catch (HeraldException e) {
            // already decided by the producer, a check-back or someone else; or no longer there
            if (!Views.htmx(request)) {
                return Views.redirect(request, response, "/transactions", Map.of("problem", e.getMessage()));
            }
            response.setStatus(e.status().value());
            model.addAttribute("t", current(caller, id));
            model.addAttribute("id", id);
            model.addAttribute("decisionError", e.getMessage());
            return "fragments/transactions :: decision";
        }
        if (Views.htmx(request)) {
            model.addAttribute("t", t);
            model.addAttribute("id", id);
            return "fragments/transactions :: decision";
        }
        return Views.redirect(request, response, "/transactions", switch (action) {
            case "publish" -> "Publishing discarded message " + id + " to " + t.topic() + " anyway.";
            case "commit" -> "Committed " + id + "; Herald publishes it to " + t.topic() + ".";
            default -> "Rolled back " + id + ".";
        });
    }

    /** The message as it is now, or {@code null} when it is gone. */
    private Transactions.TxView current(Caller caller, String id) {
        try {
            return transactions.get(caller, id);
        } catch (HeraldException e) {
            return null;
        }
    }
}
