package org.edm.workflows.sender;

import java.util.List;

public record SenderServiceStatus(long senderServiceId, String state, List<Long> waitingTaskIds, long sentByThisRun,
                                  Long sleepingUntilEpochMillis) {
}
