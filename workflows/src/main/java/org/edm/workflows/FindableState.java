package org.edm.workflows;

import io.temporal.common.SearchAttributeKey;
import io.temporal.workflow.Workflow;

import java.util.Map;
import java.util.Objects;

/**
 * Keeps a run findable in the Temporal Web UI as its state changes (issue 14): one keyword search attribute with the
 * run's state (e.g. {@code EdmTaskStatus = "PAUSED"}), and a memo with its name. Only real changes are upserted, so a
 * loop that re-enters the same state adds nothing to the history.
 * <p>
 * Upserts are commands: runs started before this existed (and their stored histories) must replay without them. The
 * first change of a run asks {@link Workflow#getVersion} once; an old history has no marker there and gets
 * {@link Workflow#DEFAULT_VERSION}, so it never upserts. Workflow code only: call from a workflow thread.
 */
public final class FindableState {

    static final String CHANGE_ID = "findable-state";

    private final SearchAttributeKey<String> key;
    private Boolean upserting;
    private String shown;

    public FindableState(SearchAttributeKey<String> key) {
        this.key = key;
    }

    /** Shows {@code state} in the search attribute unless it already shows it. */
    public void show(String state) {
        if (state == null || state.equals(shown) || !upserting()) {
            return;
        }
        shown = state;
        Workflow.upsertTypedSearchAttributes(key.valueSet(state));
    }

    /** The run's human name as a memo (shown in the Web UI's list), e.g. a task's name; never contact data. */
    public void name(String name) {
        if (name == null || name.isBlank() || !upserting()) {
            return;
        }
        Workflow.upsertMemo(Map.of("name", name));
    }

    private boolean upserting() {
        if (upserting == null) {
            upserting = Workflow.getVersion(CHANGE_ID, Workflow.DEFAULT_VERSION, 1) == 1;
        }
        return Objects.requireNonNull(upserting);
    }
}
