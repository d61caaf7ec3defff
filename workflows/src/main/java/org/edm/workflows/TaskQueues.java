package org.edm.workflows;

/** Task queue names shared by the api (which starts workflows) and the worker (which polls them). */
public final class TaskQueues {

    /** Campaign, task and sender-service workflows and their activities. */
    public static final String EDM = "edm";

    /**
     * Transactional mail from POST /api/v1/send: its own queue (and its own worker slots), so an API message never
     * waits behind campaign batches that hold the "edm" activity slots for up to a minute each.
     */
    public static final String API_SEND = "edm-api-send";

    private TaskQueues() {
    }
}
