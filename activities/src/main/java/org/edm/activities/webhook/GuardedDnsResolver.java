package org.edm.activities.webhook;

import org.apache.hc.client5.http.DnsResolver;
import org.edm.domain.webhook.WebhookTargets;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The outgoing webhooks' resolver: the HTTP client connects only to addresses this resolver answered, and it answers
 * only when every address the host resolves to is public. The check and the connection use one resolution, so a host
 * whose DNS answer changes between them (DNS re-binding: public when checked, 127.0.0.1 or 169.254.169.254 when
 * connecting) cannot steer a webhook to a private address.
 */
final class GuardedDnsResolver implements DnsResolver {

    /** How the host's addresses are found (the system resolver; a test may answer differently per call). */
    interface Lookup {
        InetAddress[] addresses(String host) throws UnknownHostException;
    }

    /** Thrown when the host resolves to an address a webhook must not reach. */
    static final class ForbiddenAddressException extends UnknownHostException {
        ForbiddenAddressException(String host) {
            super("the host resolves to a loopback, private, link-local or multicast address");
        }
    }

    private final Lookup lookup;
    private final boolean allowPrivate;

    GuardedDnsResolver(Lookup lookup, boolean allowPrivate) {
        this.lookup = lookup;
        this.allowPrivate = allowPrivate;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = lookup.addresses(host);
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                if (WebhookTargets.isForbidden(address)) {
                    throw new ForbiddenAddressException(host);
                }
            }
        }
        return addresses;
    }

    @Override
    public String resolveCanonicalHostname(String host) {
        // only used for Kerberos/SPNEGO, which webhooks never do; no second lookup that could answer differently
        return host;
    }
}
