package org.edm.workflows.housekeeping;

/** How often the sweep runs ({@code edm.retention.interval-seconds}). */
public record HousekeepingInput(int intervalSeconds) {

    public static final int DEFAULT_INTERVAL_SECONDS = 3600;
}
