package org.edm.workflows;

/** Workflow ids are business ids, so the Web UI and signals address runs by what they are. */
public final class WorkflowIds {

    private WorkflowIds() {
    }

    public static String campaign(long campaignId) {
        return "campaign-" + campaignId;
    }

    public static String task(long taskId) {
        return "task-" + taskId;
    }

    public static String senderService(long senderServiceId) {
        return "sender-service-" + senderServiceId;
    }

    /** The DNS verification (and later the daily re-check) of a sending domain. */
    public static String sendingDomain(long domainId) {
        return "domain-" + domainId;
    }

    /** Provisioning a sender mailbox at Aliyun DirectMail ("mailbox-poller" is the IMAP reader, a different thing). */
    public static String senderMailbox(long mailboxId) {
        return "sender-mailbox-" + mailboxId;
    }

    /** The verification mail of a self-registered user (seed 004 flow 1). */
    public static String signUp(long userId) {
        return "sign-up-" + userId;
    }

    /** Delivers one outgoing webhook endpoint's events, in order, with retries. */
    public static String webhookEndpoint(long endpointId) {
        return "webhook-endpoint-" + endpointId;
    }
}
