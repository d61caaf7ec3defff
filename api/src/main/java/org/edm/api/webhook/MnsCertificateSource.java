package org.edm.api.webhook;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

/**
 * Where the MNS signing certificate of a push comes from. {@link MnsSignature} asks only for URLs that passed the
 * allow-list, so a replacement (a test fake, a pinned copy) cannot widen what is trusted.
 */
interface MnsCertificateSource {

    X509Certificate fetch(URI url) throws IOException, GeneralSecurityException;
}
