package org.edm.workflows.task;

/** Deliveries of one task by state. Terminal states add up to the audience once the task is done (INV-4). */
public record DeliveryCounts(long pending, long sending, long sent, long failed, long unknown, long cancelled,
                             long skipped) {

    public static final DeliveryCounts NONE = new DeliveryCounts(0, 0, 0, 0, 0, 0, 0);

    /** Deliveries still to be decided: not yet sent or being sent right now. */
    public long outstanding() {
        return pending + sending;
    }

    public long total() {
        return pending + sending + sent + failed + unknown + cancelled + skipped;
    }
}
