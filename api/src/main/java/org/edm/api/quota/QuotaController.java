package org.edm.api.quota;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.edm.api.quota.QuotaViews.AdjustmentRequest;
import org.edm.api.quota.QuotaViews.LedgerEntry;
import org.edm.api.quota.QuotaViews.QuotaView;
import org.edm.api.support.PageView;
import org.edm.api.support.Paging;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Quota", description = "Per-user sending quota: balance, reservations and the ledger of every change")
class QuotaController {

    static final int MAX_PAGE_SIZE = 200;

    private final QuotaAccounts accounts;

    QuotaController(QuotaAccounts accounts) {
        this.accounts = accounts;
    }

    @PostMapping("/v1/users/{id}/quota-adjustments")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Admin: add to or take from a user's quota (ledger reason ADMIN_ADJUST)",
            description = "note is required. 409 naming the balance if the result would be below zero; 403 for "
                    + "operators; 404 for an unknown user.")
    QuotaView adjust(@PathVariable long id, @Valid @RequestBody AdjustmentRequest request) {
        return accounts.adjust(id, request);
    }

    @GetMapping("/v1/users/{id}/quota")
    @Operation(summary = "Admin: a user's balance and what their tasks hold reserved")
    QuotaView quota(@PathVariable long id) {
        return accounts.quotaOf(id);
    }

    @GetMapping("/v1/users/{id}/quota/ledger")
    @Operation(summary = "Admin: a user's quota ledger, newest first; pages start at 0")
    PageView<LedgerEntry> ledger(@PathVariable long id, @RequestParam(defaultValue = "0") @Min(0) @Max(Paging.MAX_PAGE) int page,
                                 @RequestParam(defaultValue = "50") @Min(1) @Max(MAX_PAGE_SIZE) int size) {
        return accounts.ledgerOf(id, page, size);
    }

    @GetMapping("/v1/me/quota")
    @Operation(summary = "Your balance and what your tasks hold reserved")
    QuotaView myQuota() {
        return accounts.myQuota();
    }

    @GetMapping("/v1/me/quota/ledger")
    @Operation(summary = "Your quota ledger, newest first; pages start at 0")
    PageView<LedgerEntry> myLedger(@RequestParam(defaultValue = "0") @Min(0) @Max(Paging.MAX_PAGE) int page,
                                   @RequestParam(defaultValue = "50") @Min(1) @Max(MAX_PAGE_SIZE) int size) {
        return accounts.myLedger(page, size);
    }

    private static void checkPage(int page, int size) {
    }
}
