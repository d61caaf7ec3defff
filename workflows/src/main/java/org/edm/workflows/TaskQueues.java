package org.edm.workflows;

/** Task queue names shared by the api (which starts workflows) and the worker (which polls them). */
public final class TaskQueues {

    /** Campaign, task and sender-service workflows and their activities. */
    public static final String EDM = "edm";

    private TaskQueues() {
    }
}
