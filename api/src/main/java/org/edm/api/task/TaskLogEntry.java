package org.edm.api.task;

import java.time.Instant;

/** One row of a task's execution log (F15): a state change with its time and reason. */
record TaskLogEntry(long id, String fromStatus, String toStatus, String reason, Instant at) {
}
