package org.edm.activities.delivery;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a provider needs to reach one sender service: its non-secret settings (JSON) and its sealed secret.
 * {@link #fingerprint()} changes whenever an admin changes anything a connection depends on, so cached
 * connections of an outdated configuration are replaced.
 */
public record SenderServiceAccount(long id, String provider, String domain, String settingsJson,
                                   byte[] secretCiphertext) {

    public String fingerprint() {
        return provider + "|" + domain + "|" + settingsJson + "|" + Arrays.hashCode(secretCiphertext);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SenderServiceAccount other && id == other.id && fingerprint().equals(other.fingerprint());
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, fingerprint());
    }

    @Override
    public String toString() {
        return "SenderServiceAccount[id=" + id + ", provider=" + provider + ", domain=" + domain + "]";
    }
}
