package org.edm.workflows.sending;

/**
 * What one check of a domain's records found.
 *
 * @param status          the domain's status after the check: PENDING, VERIFIED, FAILING, EXPIRED, or GONE when
 *                        the domain was deleted (the workflow then ends)
 * @param requiredMatched required records that matched
 * @param required        required records in all
 */
public record DomainCheck(long domainId, String status, int requiredMatched, int required) {

    public static final String GONE = "GONE";

    public boolean gone() {
        return GONE.equals(status);
    }

    /** Verified once: from now on re-checked daily, FAILING included (mended records make it VERIFIED again). */
    public boolean monitored() {
        return "VERIFIED".equals(status) || "FAILING".equals(status);
    }
}
