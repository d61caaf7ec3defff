package org.edm.api.webhook;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Where the MNS signing certificate of a push comes from: the certificates found at the URL, the signing one first
 * (a PEM may carry its intermediates after it). {@link MnsSignature} asks only for URLs that passed the host
 * allow-list and checks what comes back against {@link MnsTrust}, so a replacement (a test fake, a pinned copy)
 * cannot widen what is trusted.
 */
interface MnsCertificateSource {

    List<X509Certificate> fetch(URI url) throws IOException, GeneralSecurityException;
}
