package org.edm.api.task;

import jakarta.annotation.Nullable;
import java.time.Instant;

/** One row of a task's execution log (F15): a state change with its time and reason. */
record TaskLogEntry(long id, @Nullable String fromStatus, String toStatus, @Nullable String reason, Instant at) {
}
