package org.edm.workflows.sending;

/**
 * @param domainId           the sending domain
 * @param giveUpAtEpochMillis while unverified: when to give up (EXPIRED); null on a fresh start (now + 72 h)
 * @param nextDelaySeconds   while unverified: the next wait between checks; null on a fresh start (1 min)
 * @param monitoring         verified once: re-check daily instead of backing off
 */
public record DomainVerificationInput(long domainId, Long giveUpAtEpochMillis, Long nextDelaySeconds,
                                      boolean monitoring) {

    public static DomainVerificationInput start(long domainId) {
        return new DomainVerificationInput(domainId, null, null, false);
    }
}
