package org.edm.domain.sender;

/** How a sender service reaches the recipient's mailbox. */
public enum SenderProvider {
    SMTP, ALIYUN_DM, ENGAGELAB
}
