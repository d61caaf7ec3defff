package org.edm.domain.sending;

/** PENDING until every required record matches (VERIFIED) or 72 h pass (EXPIRED); VERIFIED ⇄ FAILING after that. */
public enum DomainStatus {
    PENDING, VERIFIED, FAILING, EXPIRED
}
