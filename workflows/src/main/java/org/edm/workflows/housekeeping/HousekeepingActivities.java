package org.edm.workflows.housekeeping;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Retention: what is kept how long is the worker's configuration ({@code edm.retention.*}). */
@ActivityInterface
public interface HousekeepingActivities {

    /**
     * Removes everything past its retention, in bounded batches (no long lock on a busy table); what one sweep leaves
     * the next one takes.
     */
    @ActivityMethod
    HousekeepingRound sweepExpiredData();
}
