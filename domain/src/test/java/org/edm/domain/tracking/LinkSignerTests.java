package org.edm.domain.tracking;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinkSignerTests {

    private final LinkSigner signer = new LinkSigner("0123456789abcdef-tracking".getBytes());

    @Test
    void aSignatureBindsTokenAndUrl() {
        String sig = signer.sign("tok1", "https://shop.example/a?b=1");

        assertThat(signer.verify("tok1", "https://shop.example/a?b=1", sig)).isTrue();
        assertThat(signer.verify("tok1", "https://evil.example/", sig)).isFalse();
        assertThat(signer.verify("tok2", "https://shop.example/a?b=1", sig)).isFalse();
        assertThat(signer.verify("tok1", "https://shop.example/a?b=1", sig + "x")).isFalse();
        assertThat(signer.verify("tok1", "https://shop.example/a?b=1", null)).isFalse();
        assertThat(sig).doesNotContain("=", "+", "/");
    }

    @Test
    void withoutATrackingKeyTheKeyIsDerivedFromTheCredentialsKeyTheSameWayEverywhere() {
        String credentials = Base64.getEncoder().encodeToString(new byte[32]);
        LinkSigner api = LinkSigner.fromEnvironment("", credentials);
        LinkSigner worker = LinkSigner.fromEnvironment(null, credentials);

        assertThat(api.verify("t", "https://x.example/", worker.sign("t", "https://x.example/"))).isTrue();
        assertThat(LinkSigner.fromEnvironment("another-key-of-16+chars", credentials)
                .verify("t", "https://x.example/", worker.sign("t", "https://x.example/"))).isFalse();
        assertThatThrownBy(() -> LinkSigner.fromEnvironment(" ", null)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void urlsOfADelivery() {
        TrackingUrls urls = new TrackingUrls("https://edm.example/", signer);

        assertThat(urls.openPixel("t1")).isEqualTo("https://edm.example/track/open/t1.gif");
        assertThat(urls.unsubscribe("t1")).isEqualTo("https://edm.example/unsubscribe/t1");
        assertThat(urls.click("t1", "https://a.example/x?y=1&z=2")).isEqualTo(
                "https://edm.example/track/click/t1?u=https%3A%2F%2Fa.example%2Fx%3Fy%3D1%26z%3D2&s="
                        + signer.sign("t1", "https://a.example/x?y=1&z=2"));
        assertThat(urls.isOwnLink("https://edm.example/unsubscribe/t1")).isTrue();
        assertThat(urls.isOwnLink("https://a.example/")).isFalse();
    }
}
