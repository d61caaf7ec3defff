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
     * overlap one message with the next (SMTP pipelining). Closed when the run ends. By default each send is a
     * {@link #send(OutgoingMail)}.
     */
    default Lane lane() {
        return (mail, next) -> send(mail);
    }

    /** One thread's sends in order; not thread-safe. */
    interface Lane extends AutoCloseable {

        /**
         * Sends {@code mail} as {@link MailProvider#send} does. {@code next}, when not null, is the message this
         * lane will send next if the run goes on: the provider may hand over what identifies it (the SMTP envelope),
         * never its content, so it is not sent unless this lane is asked to send it; if the run ends first,
         * {@link #close} makes sure the provider drops it.
         */
        String send(OutgoingMail mail, OutgoingMail next) throws MailSendException;

        /** Ends the run; never throws. */
        @Override
        default void close() {
        }
    }
}
