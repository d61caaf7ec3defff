package org.edm.domain.sending;

/** PROVISIONING at Aliyun DirectMail, then NORMAL (usable to send) or FAILED with a reason; DISABLED by hand. */
public enum MailboxStatus {
    PROVISIONING, NORMAL, FAILED, DISABLED
}
