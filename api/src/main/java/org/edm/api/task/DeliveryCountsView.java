package org.edm.api.task;

import java.util.Map;

/** A task's deliveries by status; {@code total} is the sum (INV-4: it equals the audience once materialised). */
public record DeliveryCountsView(long pending, long sending, long sent, long failed, long unknown, long cancelled,
                                 long skipped, long total) {

    public static final DeliveryCountsView NONE = new DeliveryCountsView(0, 0, 0, 0, 0, 0, 0, 0);

    static DeliveryCountsView of(Map<String, Long> byStatus) {
        long pending = byStatus.getOrDefault("PENDING", 0L);
        long sending = byStatus.getOrDefault("SENDING", 0L);
        long sent = byStatus.getOrDefault("SENT", 0L);
        long failed = byStatus.getOrDefault("FAILED", 0L);
        long unknown = byStatus.getOrDefault("UNKNOWN", 0L);
        long cancelled = byStatus.getOrDefault("CANCELLED", 0L);
        long skipped = byStatus.getOrDefault("SKIPPED", 0L);
        return new DeliveryCountsView(pending, sending, sent, failed, unknown, cancelled, skipped,
                pending + sending + sent + failed + unknown + cancelled + skipped);
    }
}
