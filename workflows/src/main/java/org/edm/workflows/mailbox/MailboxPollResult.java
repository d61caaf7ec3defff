package org.edm.workflows.mailbox;

/** What one read of a mailbox found: messages read, replies and bounces recorded, mail that matched nothing. */
public record MailboxPollResult(long senderServiceId, int read, int replies, int bounces, int unmatched) {
}
