package org.edm.domain.task;

/**
 * {@code DRAFT → SCHEDULED → SENDING → FINISHED}, {@code SENDING ⇄ PAUSED (reason)}, {@code → FAILED | CANCELLED}
 * (DESIGN §5).
 */
public enum TaskStatus {
    DRAFT, SCHEDULED, SENDING, PAUSED, FINISHED, FAILED, CANCELLED;

    public boolean isStarted() {
        return this != DRAFT && this != SCHEDULED;
    }
}
