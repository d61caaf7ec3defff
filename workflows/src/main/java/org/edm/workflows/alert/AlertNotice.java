package org.edm.workflows.alert;

/** What one notification round did: alerts told about, and admins they were mailed to. */
public record AlertNotice(int alerts, int recipients) {
}
