package org.edm.workflows.sender;

import java.util.List;

/** {@code sleepingUntilEpochMillis}: end of the throttle wait (COOLING) or the next quota reset (QUOTA_EXHAUSTED). */
public record SenderServiceStatus(long senderServiceId, String state, List<Long> waitingTaskIds, long sentByThisRun,
                                  Long sleepingUntilEpochMillis) {
}
