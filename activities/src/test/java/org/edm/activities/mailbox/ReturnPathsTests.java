package org.edm.activities.mailbox;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReturnPathsTests {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private final byte[] key = "return-path-tests-key".getBytes(StandardCharsets.UTF_8);
    private final ReturnPaths paths = new ReturnPaths("Bounces.Example.com", key, List.of());

    @Test
    void aReturnPathNamesItsDeliveryAndVerifies() {
        String address = paths.forToken(TOKEN);

        assertThat(address).matches("bounce\\+" + TOKEN + "-[0-9a-f]{20}@bounces\\.example\\.com");
        assertThat(address.substring(0, address.indexOf('@'))).hasSizeLessThanOrEqualTo(64);
        assertThat(paths.tokenOf(address)).isEqualTo(TOKEN);
        // mail systems may change the case of an address
        assertThat(paths.tokenOf(address.toUpperCase())).isEqualTo(TOKEN);
        // the domain may have changed since: the signature is what counts
        assertThat(paths.tokenOf(address.replace("bounces.example.com", "old.example.com"))).isEqualTo(TOKEN);
    }

    @Test
    void anAddressNobodySignedNamesNothing() {
        String address = paths.forToken(TOKEN);
        String otherToken = "fedcba9876543210fedcba9876543210";
        String signature = address.substring(address.indexOf('-') + 1, address.indexOf('@'));

        assertThat(paths.tokenOf("bounce+" + otherToken + "-" + signature + "@bounces.example.com")).isNull();
        assertThat(paths.tokenOf("bounce+" + TOKEN + "-" + "0".repeat(20) + "@bounces.example.com")).isNull();
        assertThat(paths.tokenOf(new ReturnPaths("bounces.example.com",
                "somebody-elses-key-1234".getBytes(StandardCharsets.UTF_8), List.of()).forToken(TOKEN))).isNull();
        assertThat(paths.tokenOf("news@bounces.example.com")).isNull();
        assertThat(paths.tokenOf("bounce+" + TOKEN + "@bounces.example.com")).isNull();
        assertThat(paths.tokenOf(null)).isNull();
    }

    @Test
    void previousKeysStillVerifySoAKeyCanBeRotated() {
        byte[] newKey = "return-path-tests-key-2".getBytes(StandardCharsets.UTF_8);
        ReturnPaths rotated = ReturnPaths.fromEnvironment("bounces.example.com", "return-path-tests-key-2",
                " return-path-tests-key , ", null);

        assertThat(rotated.tokenOf(paths.forToken(TOKEN))).isEqualTo(TOKEN);
        assertThat(rotated.forToken(TOKEN))
                .isEqualTo(new ReturnPaths("bounces.example.com", newKey, List.of()).forToken(TOKEN));
        assertThat(new ReturnPaths("bounces.example.com", newKey, List.of()).tokenOf(paths.forToken(TOKEN))).isNull();
    }

    @Test
    void withoutABounceDomainNoReturnPathIsIssuedButEarlierOnesStillVerify() {
        ReturnPaths off = new ReturnPaths(" ", key, List.of());

        assertThat(off.forToken(TOKEN)).isNull();
        assertThat(off.tokenOf(paths.forToken(TOKEN))).isEqualTo(TOKEN);
    }

    @Test
    void withoutAKeyOfItsOwnTheKeyIsDerivedFromTheCredentialsKey() {
        String credentialsKey = Base64.getEncoder().encodeToString(new byte[32]);
        ReturnPaths derived = ReturnPaths.fromEnvironment("b.example", "", "", credentialsKey);

        assertThat(ReturnPaths.fromEnvironment("b.example", null, null, credentialsKey).forToken(TOKEN))
                .isEqualTo(derived.forToken(TOKEN));
        assertThat(derived.tokenOf(derived.forToken(TOKEN))).isEqualTo(TOKEN);
        assertThatThrownBy(() -> ReturnPaths.fromEnvironment("b.example", null, null, null))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ReturnPaths("b.example", "short".getBytes(StandardCharsets.UTF_8), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(derived.toString()).doesNotContain(credentialsKey);
    }
}
