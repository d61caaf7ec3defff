package org.edm.activities.delivery;

/** Finds the provider that sends through a given sender service. */
public interface MailProviders {

    /** Whether this worker can send through services of this provider type ({@code sender_services.provider}). */
    boolean supports(String providerType);

    /**
     * The provider bound to this service, with its credentials opened and its connections kept warm between
     * batches.
     */
    MailProvider forService(SenderServiceAccount account);
}
