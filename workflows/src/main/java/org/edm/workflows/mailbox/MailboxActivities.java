package org.edm.workflows.mailbox;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

import java.util.List;

/** Reading the IMAP mailboxes of SMTP services for replies and asynchronous bounces (DSNs). */
@ActivityInterface
public interface MailboxActivities {

    /** The enabled SMTP services whose settings have an {@code imap} block. */
    @ActivityMethod
    List<Long> listServicesWithMailbox();

    /** Reads the service's unread mail once: records replies and bounces, marks what it read as seen. */
    @ActivityMethod
    MailboxPollResult pollMailbox(long senderServiceId);
}
