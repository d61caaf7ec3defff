package org.edm.api.webhook;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
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
 * The certificate is fetched only from an allow-listed scheme and host ({@code edm.webhooks.aliyun-mns.cert-hosts},
 * default {@code *.aliyuncs.com}; MNS names {@code mnstest.oss-cn-hangzhou.aliyuncs.com} and
 * {@code mns-cert.oss-cn-<region>.aliyuncs.com}). The signature covers Content-MD5, not the body, so the body must
 * match it (MNS sends base64 of the hex MD5); a push without Content-MD5 is refused. The Date must be within
 * {@code edm.webhooks.aliyun-mns.max-skew} (MNS itself allows 15 minutes).
 */
@Component
class MnsSignature {

    static final String CERT_URL = "x-mns-signing-cert-url";

    enum Verdict { VALID, UNSIGNED, UNTRUSTED_CERTIFICATE, CERTIFICATE_UNAVAILABLE, BAD_SIGNATURE, BODY_MISMATCH, STALE }

    private final MnsCertificateSource certificates;
    private final List<Pattern> hosts;
    private final Set<String> schemes;
    private final Duration maxSkew;

    MnsSignature(MnsCertificateSource certificates,
                 @Value("${EDM_MNS_CERT_HOSTS:${edm.webhooks.aliyun-mns.cert-hosts:*.aliyuncs.com}}") String hosts,
                 @Value("${edm.webhooks.aliyun-mns.cert-schemes:https}") String schemes,
                 @Value("${EDM_MNS_MAX_SKEW:${edm.webhooks.aliyun-mns.max-skew:PT15M}}") Duration maxSkew) {
        this.certificates = certificates;
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
        String contentMd5 = headers.getOrDefault("content-md5", "");
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
        X509Certificate certificate;
        try {
            certificate = certificates.fetch(url);
            certificate.checkValidity(Date.from(now));
        } catch (IOException | GeneralSecurityException e) {
            return Verdict.CERTIFICATE_UNAVAILABLE;
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
        if (contentMd5.isEmpty() || !md5Matches(contentMd5.trim(), body)) {
            return Verdict.BODY_MISMATCH;
        }
        Instant sent;
        try {
            sent = ZonedDateTime.parse(date.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return Verdict.STALE;
        }
        return Duration.between(sent, now).abs().compareTo(maxSkew) > 0 ? Verdict.STALE : Verdict.VALID;
    }

    boolean trusted(URI url) {
        if (url.getScheme() == null || url.getHost() == null || url.getRawUserInfo() != null
                || !schemes.contains(url.getScheme().toLowerCase(Locale.ROOT))) {
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

    /** A host pattern: {@code *} stands for one or more DNS labels, so {@code *.aliyuncs.com} is any subdomain. */
    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toLowerCase(Locale.ROOT).toCharArray()) {
            regex.append(c == '*' ? "[a-z0-9.-]+" : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString());
    }
}
