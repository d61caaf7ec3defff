package org.edm.activities.delivery;

/**
 * One sender service's way out (SMTP, Aliyun DirectMail, EngageLab...). The send loop owns this interface and
 * decides everything around it: pace, quota, retries, at-most-once. An implementation only sends and says how it
 * went; it must be safe to call from several threads at once.
 */
public interface MailProvider {

    /**
     * Hands one message to the provider.
     *
     * @return the provider's id for the message (for matching webhooks and bounces later)
     * @throws MailSendException when the message was not accepted; its {@link MailSendException.Kind} tells
     *                           whether the recipient was refused for good, the message certainly did not leave,
     *                           or nobody can tell
     */
    String send(OutgoingMail mail) throws MailSendException;

    /**
     * A lane for one thread's run of sends, in order: the send loop's unthrottled lanes use it so a provider can
     * overlap one message with the next (SMTP pipelining, CHUNKING). Closed when the run ends. By default each send
     * is a {@link #send(OutgoingMail)}.
     */
    default Lane lane() {
        return (mail, following) -> send(mail);
    }

    /** One thread's sends in order; not thread-safe. */
    interface Lane extends AutoCloseable {

        /**
         * Sends {@code mail} as {@link MailProvider#send} does. {@code following} are the messages this lane will be
         * asked to send after it, in order, if the run goes on; the caller has marked every one of them attempted
         * (INV-3), so the provider may hand any part of them over ahead of their turn (the SMTP envelope, or with
         * CHUNKING whole messages). Each message's outcome is still what its own {@code send} returns or throws; if
         * the run ends first, {@link #close} drops what was handed over ahead without finishing it, and
         * {@link #handedOverAhead} says which of them may have reached the provider anyway.
         *
         * @param following the rest of the run, in order (possibly empty; never null)
         */
        String send(OutgoingMail mail, java.util.List<OutgoingMail> following) throws MailSendException;

        /**
         * Whether any part of {@code mail}, given in a {@code following} list, may have reached the provider before
         * its own {@code send} was called: such a message was possibly sent and is never handed back as unsent, even
         * when its own {@code send} then says NOT_SENT (it stays attempted and becomes UNKNOWN unless its outcome was
         * recorded). False for a message of which nothing or only the envelope went out ahead.
         */
        default boolean handedOverAhead(OutgoingMail mail) {
            return false;
        }

        /** Ends the run; never throws. */
        @Override
        default void close() {
        }
    }
}
