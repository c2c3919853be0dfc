package io.herald.server.tx;

import io.herald.server.common.ForbiddenException;
import io.herald.server.security.Caller;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Two-phase messages: pending ones with age and checks made, manual commit or rollback; producer settings. */
@RestController
class TxController {

    private final Transactions transactions;

    TxController(Transactions transactions) {
        this.transactions = transactions;
    }

    @GetMapping("/api/v1/transactions")
    List<Transactions.TxView> list(Caller caller, @RequestParam(required = false) String app,
                                   @RequestParam(required = false) String state, @RequestParam(defaultValue = "100") int limit) {
        String filter = app;
        if (!caller.admin() && !caller.readOnly()) {
            if (app != null && !app.equals(caller.app())) {
                throw new ForbiddenException("The caller may not list transactions of app '" + app + "'");
            }
            filter = caller.app();
        }
        return transactions.list(filter, state, Math.max(1, Math.min(limit, 1000)));
    }

    @GetMapping("/api/v1/transactions/{id}")
    Transactions.TxView get(Caller caller, @PathVariable String id) {
        return transactions.get(caller, id);
    }

    @PostMapping("/api/v1/transactions/{id}/commit")
    Transactions.TxView commit(Caller caller, @PathVariable String id) {
        return transactions.decideManually(caller, id, true);
    }

    @PostMapping("/api/v1/transactions/{id}/rollback")
    Transactions.TxView rollback(Caller caller, @PathVariable String id) {
        return transactions.decideManually(caller, id, false);
    }

    /** "Publish anyway": publishes a DISCARDED message once (409 naming the state otherwise); audited. */
    @PostMapping("/api/v1/transactions/{id}/publish")
    Transactions.TxView publish(Caller caller, @PathVariable String id) {
        return transactions.publishAnyway(caller, id);
    }

    @GetMapping("/api/v1/producer-settings/{app}")
    Transactions.ProducerSettings settings(Caller caller, @PathVariable String app) {
        return transactions.settings(caller, app);
    }

    @PutMapping("/api/v1/producer-settings/{app}")
    Transactions.ProducerSettings updateSettings(Caller caller, @PathVariable String app,
                                                 @RequestBody Transactions.ProducerSettings settings) {
        return transactions.updateSettings(caller, app, settings);
    }
}
