package org.edm.domain.alert;

import java.util.List;

/** The states an alert is listed in (derived from resolved_at and acknowledged_at). */
public final class AlertState {

    public static final String OPEN = "open";
    public static final String ACKNOWLEDGED = "acknowledged";
    public static final String RESOLVED = "resolved";
    public static final List<String> ALL = List.of(OPEN, ACKNOWLEDGED, RESOLVED);

    private AlertState() {
    }
}
