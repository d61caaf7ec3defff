package org.edm.workflows.task;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import org.edm.workflows.sender.TaskDemand;

@ActivityInterface
public interface TaskActivities {

    /**
     * Marks the task SENDING and materialises its deliveries with one set-based statement: one PENDING row per
     * matching contact, each with a template drawn uniformly from the task's template set. Idempotent: a retry
     * inserts nothing twice and keeps the templates already drawn.
     */
    @ActivityMethod
    TaskAudience materializeDeliveries(long taskId);

    /**
     * Tells every usable sender service of the task's owner that the task has pending deliveries
     * (signal-with-start of {@code sender-service-{id}}). Returns how many services were told.
     */
    @ActivityMethod
    int publishDemand(TaskDemand demand);

    @ActivityMethod
    DeliveryCounts countDeliveries(long taskId);

    /** Marks the task FINISHED with its end time and summary counts. */
    @ActivityMethod
    void finishTask(long taskId);
}
