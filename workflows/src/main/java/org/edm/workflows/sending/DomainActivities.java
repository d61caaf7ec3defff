package org.edm.workflows.sending;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The DNS side of a sending domain: look its records up, record what was seen, move its status. */
@ActivityInterface
public interface DomainActivities {

    /**
     * Resolves every record of the domain, stores what each showed, and moves the domain: PENDING/EXPIRED to
     * VERIFIED when every required record matches, VERIFIED to FAILING (with one alert) when one no longer does,
     * FAILING back to VERIFIED when mended. Fails (retryably) when the resolver cannot be asked, so an
     * unreachable resolver never counts as a broken record.
     */
    @ActivityMethod
    DomainCheck checkDomain(long domainId);

    /** Gives up on a domain that stayed unverified: PENDING to EXPIRED. */
    @ActivityMethod
    void expireDomain(long domainId);
}
