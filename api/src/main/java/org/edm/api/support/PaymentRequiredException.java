package org.edm.api.support;

/** The caller's quota cannot cover what was asked (402): POST /api/v1/send with a balance below its recipients. */
public class PaymentRequiredException extends RuntimeException {

    private final long needed;
    private final long balance;

    public PaymentRequiredException(long needed, long balance) {
        super("no quota left: this send needs " + needed + " unit(s), the balance is " + balance);
        this.needed = needed;
        this.balance = balance;
    }

    public long needed() {
        return needed;
    }

    public long balance() {
        return balance;
    }
}
