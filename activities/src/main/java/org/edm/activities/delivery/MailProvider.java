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
}
