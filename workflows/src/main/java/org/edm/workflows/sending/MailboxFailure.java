package org.edm.workflows.sending;

/** Why provisioning a mailbox failed, in words its owner can act on (never a credential). */
public record MailboxFailure(long mailboxId, String reason) {
}
