package org.edm.api.webhook;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which MNS signing certificates are believed. Dates alone prove nothing (anyone can make a certificate), so a
 * certificate counts only when
 * <ul>
 * <li>its SHA-256 fingerprint is pinned ({@code edm.webhooks.aliyun-mns.cert-pins}, hex, colons optional), or</li>
 * <li>it chains (PKIX, with the intermediates served after it) to a trust anchor: the JDK's trusted roots
 * ({@code jdk-roots}, default true) and the certificates of the PEM bundle at {@code trust-pem}.</li>
 * </ul>
 * A chain to a public root only says who owns the key, not that it is Aliyun's MNS: the exact host allow-list in
 * {@link MnsSignature} is what ties the certificate to Aliyun, and a pin is the strictest setting.
 */
@Component
class MnsTrust {

    private static final Logger log = LoggerFactory.getLogger(MnsTrust.class);

    private final Set<TrustAnchor> anchors;
    private final Set<String> pins;

    MnsTrust(@Value("${EDM_MNS_TRUST_PEM:${edm.webhooks.aliyun-mns.trust-pem:}}") String trustPem,
             @Value("${EDM_MNS_CERT_PINS:${edm.webhooks.aliyun-mns.cert-pins:}}") String pins,
             @Value("${edm.webhooks.aliyun-mns.jdk-roots:true}") boolean jdkRoots) {
        Set<TrustAnchor> anchors = new HashSet<>();
        if (jdkRoots) {
            anchors.addAll(jdkAnchors());
        }
        if (!trustPem.isBlank()) {
            anchors.addAll(pemAnchors(Path.of(trustPem.trim())));
        }
        this.anchors = Set.copyOf(anchors);
        this.pins = Arrays.stream(pins.split(",")).map(MnsTrust::normalise).filter(p -> !p.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The signing certificate ({@code chain[0]}) when it is valid at {@code now} and pinned or chained to an anchor;
     * otherwise a {@link CertificateException} saying why.
     */
    X509Certificate signingCertificate(List<X509Certificate> chain, Instant now) throws CertificateException {
        X509Certificate leaf = chain.get(0);
        leaf.checkValidity(Date.from(now));
        if (pins.contains(fingerprint(leaf))) {
            return leaf;
        }
        if (anchors.isEmpty()) {
            throw new CertificateException("not pinned, and no trust anchors are configured");
        }
        // the path is what the server sent, minus any self-issued root: roots are anchors, not path members
        List<X509Certificate> path = chain.stream()
                .filter(c -> c == leaf || !c.getSubjectX500Principal().equals(c.getIssuerX500Principal()))
                .toList();
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return leaf;
        } catch (GeneralSecurityException e) {
            throw new CertificateException("not issued by a trusted root (SHA-256 " + fingerprint(leaf) + ")", e);
        }
    }

    /** Hex SHA-256 of the certificate's DER encoding, lower case without colons (the form pins are compared in). */
    static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String normalise(String pin) {
        return pin.trim().replace(":", "").toLowerCase(Locale.ROOT);
    }

    private static Set<TrustAnchor> jdkAnchors() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return Arrays.stream(factory.getTrustManagers())
                    .filter(X509TrustManager.class::isInstance)
                    .flatMap(m -> Arrays.stream(((X509TrustManager) m).getAcceptedIssuers()))
                    .map(c -> new TrustAnchor(c, null))
                    .collect(Collectors.toSet());
        } catch (GeneralSecurityException e) {
            log.warn("the JDK's trusted roots could not be read; MNS certificates need a trust-pem or a pin: {}",
                    e.toString());
            return Set.of();
        }
    }

    /** A bad bundle stops the start-up: silently trusting nothing (or something else) would be worse. */
    private static Set<TrustAnchor> pemAnchors(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                anchors.add(new TrustAnchor((X509Certificate) c, null));
            }
            if (anchors.isEmpty()) {
                throw new IllegalStateException("no certificate in the MNS trust bundle " + file);
            }
            return anchors;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the MNS trust bundle " + file + ": " + e.getMessage(), e);
        }
    }
}
