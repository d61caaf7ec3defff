package org.edm.domain.task;

/** One row of the per-task delivery breakdown: how many deliveries of a task are in one status. */
public interface DeliveryStatusCount {

    long getTaskId();

    String getStatus();

    long getCount();
}
