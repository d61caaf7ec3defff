package org.edm.workflows.sending;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The DNS side of a sending domain: look its records up, record what was seen, move its status. */
@ActivityInterface
public interface DomainActivities {

    /**
     * Resolves every record of the domain, stores what each showed, and moves the domain: PENDING/EXPIRED to
     * VERIFIED when every required record matches and (with a DirectMail account) DirectMail's own check, asked then
     * with CheckDomain, passes too, VERIFIED to FAILING (with one alert) when one no longer does,
     * FAILING back to VERIFIED when mended. Fails (retryably) when the resolver cannot be asked, so an
     * unreachable resolver never counts as a broken record.
     */
    @ActivityMethod
    DomainCheck checkDomain(long domainId);

    /**
     * Registers the domain in the platform's Aliyun DirectMail account (CreateDomain; one already there is fine) and
     * stores the records DirectMail asks for (DescDomain) as extra records to publish.
     *
     * @return the registration after it: DONE, FAILED (DirectMail refused; the domain keeps the reason),
     * NOT_CONFIGURED (no DirectMail account: DNS alone decides), or GONE (the domain was deleted). Fails
     * (retryably) when DirectMail is busy or unreachable; {@link #checkDomain} tries again while it is not DONE.
     */
    @ActivityMethod
    String registerDomainAtProvider(long domainId);

    /** Gives up on a domain that stayed unverified: PENDING to EXPIRED. */
    @ActivityMethod
    void expireDomain(long domainId);
}
