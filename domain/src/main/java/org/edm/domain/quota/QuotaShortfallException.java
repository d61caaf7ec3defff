package org.edm.domain.quota;

/**
 * A debit the user's balance cannot cover (INV-1: a balance never goes below zero). Nothing was written: the
 * conditional update matched no row, or the check came before any write.
 */
public class QuotaShortfallException extends RuntimeException {

    private final long userId;
    private final long needed;
    private final long balance;

    public QuotaShortfallException(long userId, long needed, long balance) {
        super("not enough quota: needs " + needed + ", balance " + balance + ", missing " + (needed - balance));
        this.userId = userId;
        this.needed = needed;
        this.balance = balance;
    }

    public long userId() {
        return userId;
    }

    public long needed() {
        return needed;
    }

    public long balance() {
        return balance;
    }

    public long missing() {
        return needed - balance;
    }
}
