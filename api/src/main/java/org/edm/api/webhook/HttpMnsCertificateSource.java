package org.edm.api.webhook;

import org.springframework.stereotype.Component;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Downloads an MNS signing certificate (PEM or DER) without following redirects, at most 64 KiB, and keeps it by URL:
 * MNS signs with a handful of certificates, so after the first push of each this is a map lookup.
 */
@Component
class HttpMnsCertificateSource implements MnsCertificateSource {

    private static final int MAX_BYTES = 64 * 1024;
    private static final int MAX_CACHED = 64;

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final Map<URI, X509Certificate> cache = new ConcurrentHashMap<>();

    @Override
    public X509Certificate fetch(URI url) throws IOException, GeneralSecurityException {
        X509Certificate cached = cache.get(url);
        if (cached != null) {
            return cached;
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + url, e);
        }
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " for " + url);
        }
        if (bytes.length > MAX_BYTES) {
            throw new IOException("certificate larger than " + MAX_BYTES + " bytes at " + url);
        }
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(bytes));
        } catch (CertificateException | ClassCastException e) {
            throw new CertificateException("no X.509 certificate at " + url, e);
        }
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(url, certificate);
        return certificate;
    }
}
