package org.edm.domain.tracking;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The public tracking addresses of a delivery, served by the api under {@code edm.public-base-url}: open pixel,
 * signed click redirect and unsubscribe page (which also takes the RFC 8058 one-click POST).
 */
public final class TrackingUrls {

    private final String baseUrl;
    private final LinkSigner signer;

    public TrackingUrls(String publicBaseUrl, LinkSigner signer) {
        this.baseUrl = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
                : publicBaseUrl;
        this.signer = signer;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public LinkSigner signer() {
        return signer;
    }

    public String openPixel(String token) {
        return baseUrl + "/track/open/" + token + ".gif";
    }

    public String click(String token, String targetUrl) {
        // %20, not URLEncoder's '+', for a space: every decoder agrees on %20 (a literal '+' is already %2B)
        return baseUrl + "/track/click/" + token + "?u="
                + URLEncoder.encode(targetUrl, StandardCharsets.UTF_8).replace("+", "%20")
                + "&s=" + signer.sign(token, targetUrl);
    }

    public String unsubscribe(String token) {
        return baseUrl + "/unsubscribe/" + token;
    }

    /** Whether a link already points at our own tracking or unsubscribe endpoints (never wrapped again). */
    public boolean isOwnLink(String url) {
        return url.startsWith(baseUrl + "/unsubscribe/") || url.startsWith(baseUrl + "/track/");
    }
}
