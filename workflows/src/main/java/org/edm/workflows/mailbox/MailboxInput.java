package org.edm.workflows.mailbox;

/** How often the mailboxes are read. */
public record MailboxInput(int pollIntervalSeconds) {

    public static final int DEFAULT_POLL_INTERVAL_SECONDS = 120;
}
