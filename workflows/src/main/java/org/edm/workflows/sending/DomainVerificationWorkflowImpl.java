package org.edm.workflows.sending;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

import java.time.Duration;

public final class DomainVerificationWorkflowImpl implements DomainVerificationWorkflow {

    private static final Logger log = Workflow.getLogger(DomainVerificationWorkflowImpl.class);

    static final Duration FIRST_DELAY = Duration.ofMinutes(1);
    static final Duration MAX_DELAY = Duration.ofHours(1);
    static final Duration GIVE_UP_AFTER = Duration.ofHours(72);
    static final Duration RECHECK_EVERY = Duration.ofDays(1);
    /** Daily re-checks per run before continuing as new, so a domain verified for years keeps a small history. */
    static final int RECHECKS_PER_RUN = 7;

    private final DomainActivities activities = Workflow.newActivityStub(DomainActivities.class,
            ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofMinutes(2))
                    // a resolver that does not answer is retried a little; after that the next scheduled check
                    // tries again, and the domain's status is left as it was
                    .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(5))
                            .setMaximumAttempts(3).build())
                    .build());

    /** Giving up must not be given up on: retried until the database answers. */
    private final DomainActivities bookkeeping = Workflow.newActivityStub(DomainActivities.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());

    /** Since this version a fresh run first registers the domain at Aliyun DirectMail (older histories did not). */
    static final String REGISTER_AT_PROVIDER = "register-at-provider";

    private boolean checkNowRequested;

    @Override
    public void run(DomainVerificationInput input) {
        long domainId = input.domainId();
        if (input.monitoring()) {
            monitor(domainId);
            return;
        }
        if (input.giveUpAtEpochMillis() == null
                && Workflow.getVersion(REGISTER_AT_PROVIDER, Workflow.DEFAULT_VERSION, 1) >= 1) {
            register(domainId);
        }
        long giveUpAt = input.giveUpAtEpochMillis() != null ? input.giveUpAtEpochMillis()
                : Workflow.currentTimeMillis() + GIVE_UP_AFTER.toMillis();
        Duration delay = input.nextDelaySeconds() != null ? Duration.ofSeconds(input.nextDelaySeconds()) : FIRST_DELAY;
        while (true) {
            DomainCheck check = check(domainId);
            if (check != null && check.gone()) {
                return;
            }
            if (check != null && check.monitored()) {
                monitor(domainId);
                return;
            }
            long left = giveUpAt - Workflow.currentTimeMillis();
            if (left <= 0) {
                bookkeeping.expireDomain(domainId);
                return;
            }
            if (Workflow.getInfo().isContinueAsNewSuggested()) {
                // many "check now" signals: carry the deadline and the backoff over
                Workflow.continueAsNew(new DomainVerificationInput(domainId, giveUpAt, delay.toSeconds(), false));
                return;
            }
            Duration wait = delay.toMillis() < left ? delay : Duration.ofMillis(left);
            boolean asked = Workflow.await(wait, () -> checkNowRequested);
            if (asked) {
                checkNowRequested = false;
            } else {
                delay = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
            }
        }
    }

    private void monitor(long domainId) {
        for (int round = 0; round < RECHECKS_PER_RUN; round++) {
            Workflow.await(RECHECK_EVERY, () -> checkNowRequested);
            checkNowRequested = false;
            DomainCheck check = check(domainId);
            if (check != null && check.gone()) {
                return;
            }
        }
        Workflow.continueAsNew(new DomainVerificationInput(domainId, null, null, true));
    }

    /**
     * Registers the domain at DirectMail first, so that its records are stored (and shown) before the first check.
     * Trouble is only logged: every check registers a domain that is not registered yet.
     */
    private void register(long domainId) {
        try {
            activities.registerDomainAtProvider(domainId);
        } catch (ActivityFailure failure) {
            log.warn("registering domain {} at DirectMail failed; the checks try again: {}", domainId,
                    failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage());
        }
    }

    /** @return null when the records could not be looked up this time (nothing changed; the next check retries) */
    private DomainCheck check(long domainId) {
        // a check is happening now: "check now" requests that arrived before it are answered by it (the api's start
        // of a new domain comes with one, which must not cause a second lookup at once)
        checkNowRequested = false;
        try {
            return activities.checkDomain(domainId);
        } catch (ActivityFailure failure) {
            log.warn("checking domain {} failed; trying again at the next check: {}", domainId,
                    failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage());
            return null;
        }
    }

    @Override
    public void checkNow() {
        checkNowRequested = true;
    }
}
