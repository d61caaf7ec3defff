package org.edm.workflows.sending;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Creating a sender mailbox at Aliyun DirectMail with the platform's account; payloads carry ids only. */
@ActivityInterface
public interface MailboxProvisioningActivities {

    /**
     * Registers the mailbox's domain and address at DirectMail, sets a fresh SMTP password, seals it and marks the
     * mailbox NORMAL. Safe to retry: an existing domain or address is taken as is and the password set again.
     * A refusal a retry cannot change fails non-retryably with a message a person can act on.
     */
    @ActivityMethod
    void provisionMailbox(long mailboxId);

    /** PROVISIONING to FAILED with the reason shown to the mailbox's owner. */
    @ActivityMethod
    void recordProvisioningFailure(MailboxFailure failure);
}
