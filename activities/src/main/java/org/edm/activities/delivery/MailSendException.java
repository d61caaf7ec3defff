package org.edm.activities.delivery;

/**
 * Why a send failed, in the terms the send loop acts on.
 */
public class MailSendException extends RuntimeException {

    public enum Kind {
        /** The provider refused this message for good (bad address, 5xx): recorded as FAILED, the batch goes on. */
        REJECTED,
        /**
         * The message certainly did not leave (cannot connect, login refused, 4xx before the data): the delivery
         * may be sent again, and the batch stops so Temporal retries it after a backoff.
         */
        NOT_SENT,
        /**
         * The connection broke while or after handing the message over, so it may have been delivered. The batch
         * stops; on retry the delivery becomes UNKNOWN instead of being sent twice (INV-3).
         */
        UNCERTAIN
    }

    private final Kind kind;
    private final boolean recipientFault;

    public MailSendException(Kind kind, String message, Throwable cause) {
        this(kind, false, message, cause);
    }

    /**
     * @param recipientFault the failure says something about this recipient (unknown mailbox, malformed
     *                       address), not about the service: it does not count towards freezing the service
     */
    public MailSendException(Kind kind, boolean recipientFault, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.recipientFault = recipientFault;
    }

    public MailSendException(Kind kind, String message) {
        this(kind, false, message, null);
    }

    public Kind kind() {
        return kind;
    }

    public boolean recipientFault() {
        return recipientFault;
    }
}
