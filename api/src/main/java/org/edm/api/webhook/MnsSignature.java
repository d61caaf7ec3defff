package org.edm.api.webhook;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks that an HTTP push came from Aliyun MNS (Simple Message Queue), as its "Verify HTTP push message signatures"
 * page describes: {@code x-mns-signing-cert-url} is the base64 of the signing certificate's URL, and
 * {@code Authorization} the base64 RSA-SHA1 ({@code sha1WithRSAEncryption}) signature of
 * <pre>
 * METHOD + "\n" + Content-MD5 + "\n" + Content-Type + "\n" + Date + "\n"
 *   + for each x-mns-* header, lower-cased and sorted: name + ":" + value + "\n"
 *   + the request path (and query)
 * </pre>
 * The checks run cheapest first and all before any database work: the certificate URL must be https on an exact MNS
 * host ({@code edm.webhooks.aliyun-mns.cert-hosts}; default the two prefixes MNS documents,
 * {@code https://mnstest.oss-cn-hangzhou.aliyuncs.com/} and {@code https://mns-cert.oss-cn-<region>.aliyuncs.com/},
 * where {@code *} stands for exactly one DNS label, so an attacker's own bucket under {@code *.aliyuncs.com} does not
 * pass); the Date must be within {@code edm.webhooks.aliyun-mns.max-skew} (MNS itself allows 15 minutes); the body
 * must match Content-MD5 (the signature covers Content-MD5, not the body; MNS sends base64 of the hex MD5, and a push
 * without it is refused). Only then is the certificate fetched ({@link MnsCertificateSource}: time- and size-bounded)
 * and believed only as {@link MnsTrust} says (a pin or a chain to a trusted root, never just its dates). A verified
 * certificate is kept by URL, so each is fetched once; its dates are checked on every push.
 */
@Component
class MnsSignature {

    static final String CERT_URL = "x-mns-signing-cert-url";
    /** The hosts MNS documents for its signing certificates (Chinese and English pages, 2025-2026). */
    static final String DEFAULT_CERT_HOSTS = "mnstest.oss-cn-hangzhou.aliyuncs.com,mns-cert.oss-cn-*.aliyuncs.com";
    private static final int MAX_CACHED = 32;
    private static final Logger log = LoggerFactory.getLogger(MnsSignature.class);

    enum Verdict {
        VALID, UNSIGNED, UNTRUSTED_CERTIFICATE, CERTIFICATE_UNAVAILABLE, UNTRUSTED_ISSUER, BAD_SIGNATURE,
        BODY_MISMATCH, STALE
    }

    private final MnsCertificateSource certificates;
    private final MnsTrust trust;
    private final List<Pattern> hosts;
    private final Set<String> schemes;
    private final Duration maxSkew;
    private final Map<URI, X509Certificate> verified = new ConcurrentHashMap<>();

    MnsSignature(MnsCertificateSource certificates, MnsTrust trust,
                 @Value("${EDM_MNS_CERT_HOSTS:${edm.webhooks.aliyun-mns.cert-hosts:" + DEFAULT_CERT_HOSTS + "}}")
                 String hosts,
                 @Value("${edm.webhooks.aliyun-mns.cert-schemes:https}") String schemes,
                 @Value("${EDM_MNS_MAX_SKEW:${edm.webhooks.aliyun-mns.max-skew:PT15M}}") Duration maxSkew) {
        this.certificates = certificates;
        this.trust = trust;
        this.hosts = Arrays.stream(hosts.split(",")).map(String::trim).filter(h -> !h.isEmpty())
                .map(MnsSignature::glob).toList();
        this.schemes = Arrays.stream(schemes.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        this.maxSkew = maxSkew;
    }

    Duration maxSkew() {
        return maxSkew;
    }

    /** {@code headers}: every request header, names lower-cased. */
    Verdict verify(String method, String resource, Map<String, String> headers, byte[] body, Instant now) {
        String certUrl = headers.get(CERT_URL);
        String authorization = headers.get("authorization");
        String date = headers.getOrDefault("date", headers.get("x-mns-date"));
        if (certUrl == null || authorization == null || date == null) {
            return Verdict.UNSIGNED;
        }
        URI url;
        try {
            url = URI.create(new String(Base64.getMimeDecoder().decode(certUrl.trim()), StandardCharsets.UTF_8)
                    .trim());
        } catch (IllegalArgumentException e) {
            return Verdict.UNTRUSTED_CERTIFICATE;
        }
        if (!trusted(url)) {
            return Verdict.UNTRUSTED_CERTIFICATE;
        }
        Instant sent;
        try {
            sent = ZonedDateTime.parse(date.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return Verdict.STALE;
        }
        if (Duration.between(sent, now).abs().compareTo(maxSkew) > 0) {
            return Verdict.STALE;
        }
        String contentMd5 = headers.getOrDefault("content-md5", "");
        if (contentMd5.isEmpty() || !md5Matches(contentMd5.trim(), body)) {
            return Verdict.BODY_MISMATCH;
        }
        String contentType = headers.getOrDefault("content-type", "");
        StringBuilder toSign = new StringBuilder()
                .append(method.toUpperCase(Locale.ROOT)).append('\n')
                .append(contentMd5).append('\n')
                .append(contentType).append('\n')
                .append(date).append('\n');
        new TreeMap<>(headers).forEach((name, value) -> {
            if (name.startsWith("x-mns-")) {
                toSign.append(name).append(':').append(value.trim()).append('\n');
            }
        });
        toSign.append(resource);
        X509Certificate certificate = verified.get(url);
        if (certificate == null) {
            List<X509Certificate> chain;
            try {
                chain = certificates.fetch(url);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                log.info("MNS signing certificate {} not fetched: {}", url, e.getMessage());
                return Verdict.CERTIFICATE_UNAVAILABLE;
            }
            try {
                certificate = trust.signingCertificate(chain, now);
            } catch (CertificateException e) {
                log.warn("MNS signing certificate {} refused: {}", url, e.getMessage());
                return Verdict.UNTRUSTED_ISSUER;
            }
            if (verified.size() >= MAX_CACHED) {
                verified.clear();
            }
            verified.put(url, certificate);
        } else {
            try {
                certificate.checkValidity(Date.from(now));
            } catch (CertificateException e) {
                verified.remove(url);
                return Verdict.UNTRUSTED_ISSUER;
            }
        }
        try {
            Signature rsa = Signature.getInstance("SHA1withRSA");
            rsa.initVerify(certificate.getPublicKey());
            rsa.update(toSign.toString().getBytes(StandardCharsets.UTF_8));
            if (!rsa.verify(Base64.getMimeDecoder().decode(authorization.trim()))) {
                return Verdict.BAD_SIGNATURE;
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Verdict.BAD_SIGNATURE;
        }
        return Verdict.VALID;
    }

    boolean trusted(URI url) {
        if (url.getScheme() == null || url.getHost() == null || url.getRawUserInfo() != null
                || !schemes.contains(url.getScheme().toLowerCase(Locale.ROOT))
                || (url.getPort() != -1 && url.getPort() != 443)) {
            return false;
        }
        String host = url.getHost().toLowerCase(Locale.ROOT);
        return hosts.stream().anyMatch(p -> p.matcher(host).matches());
    }

    /** MNS sends base64 of the hex digest (its documented example); base64 of the raw digest is RFC 1864's form. */
    static boolean md5Matches(String contentMd5, byte[] body) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("MD5").digest(body == null ? new byte[0] : body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String hex = HexFormat.of().formatHex(digest);
        Base64.Encoder b64 = Base64.getEncoder();
        return contentMd5.equals(b64.encodeToString(hex.getBytes(StandardCharsets.US_ASCII)))
                || contentMd5.equals(b64.encodeToString(hex.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII)))
                || contentMd5.equals(b64.encodeToString(digest));
    }

    static String contentMd5(byte[] body) {
        try {
            return Base64.getEncoder().encodeToString(HexFormat.of()
                    .formatHex(MessageDigest.getInstance("MD5").digest(body)).getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A host pattern: {@code *} stands for part of exactly one DNS label (no dots), so
     * {@code mns-cert.oss-cn-*.aliyuncs.com} is every region's MNS bucket and nothing below or beside it.
     */
    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toLowerCase(Locale.ROOT).toCharArray()) {
            regex.append(c == '*' ? "[a-z0-9-]+" : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString());
    }
}
