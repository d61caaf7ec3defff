package org.edm.workflows.alert;

/** How often the alert rules run ({@code edm.alerts.interval-seconds}). */
public record AlertsInput(int intervalSeconds) {

    public static final int DEFAULT_INTERVAL_SECONDS = 300;
}
