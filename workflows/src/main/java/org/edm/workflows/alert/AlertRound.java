package org.edm.workflows.alert;

/** What one evaluation of the rules changed, and how many alerts are unresolved after it. */
public record AlertRound(int raised, int resolved, long unresolved) {
}
