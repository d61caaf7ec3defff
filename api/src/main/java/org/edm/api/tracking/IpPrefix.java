package org.edm.api.tracking;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The client address truncated for privacy before it is stored: IPv4 to its /24, IPv6 to its /48. */
final class IpPrefix {

    private IpPrefix() {
    }

    static String of(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.isBlank()) {
            return null;
        }
        // only literal addresses: never resolve a host name from a request
        if (!remoteAddress.matches("[0-9a-fA-F:.%]+")) {
            return null;
        }
        try {
            byte[] bytes = InetAddress.getByName(remoteAddress.replaceFirst("%.*$", "")).getAddress();
            if (bytes.length == 4) {
                return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + ".0/24";
            }
            return String.format("%x:%x:%x::/48", ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff),
                    ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff), ((bytes[4] & 0xff) << 8) | (bytes[5] & 0xff));
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
