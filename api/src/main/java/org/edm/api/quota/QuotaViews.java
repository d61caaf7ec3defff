package org.edm.api.quota;

import jakarta.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.time.Instant;

/** Bodies of the quota endpoints. */
final class QuotaViews {

    private QuotaViews() {
    }

    /** An admin's change of a user's quota: positive grants, negative takes back. */
    record AdjustmentRequest(
            @NotNull @Schema(description = "units to add (negative: to take away); never 0") Long delta,
            @NotBlank @Size(max = 2000) @Schema(description = "why; kept in the ledger") String note) {
    }

    /**
     * Where a user's quota stands. {@code balance} is what can still be reserved; the reserved figures are already
     * taken out of it: planned audiences of tasks that have not started, and the PENDING deliveries of running ones.
     */
    record QuotaView(long userId, long balance, long reservedInUnstartedTasks, long reservedInRunningTasks,
                     long lowThreshold, boolean low) {
    }

    record LedgerEntry(long id, long delta, String reason, @Nullable String reference, long balanceAfter,
                       @Nullable Long actorId,
                       @Nullable String note, Instant createdAt) {
    }
}
