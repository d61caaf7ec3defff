package org.edm.domain.webhook;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookTargetsTests {

    @Test
    void onlyPublicHttpsTargetsUnlessPrivateOnesAreAllowed() {
        assertThat(WebhookTargets.refusal("https://hooks.example.com/x?t=1", false)).isEmpty();
        assertThat(WebhookTargets.refusal("https://93.184.216.34/x", false)).isEmpty();
        for (String refused : new String[]{"http://hooks.example.com", "https://localhost/x", "https://a.localhost",
                "https://127.0.0.1", "https://10.0.0.8", "https://172.16.3.4", "https://192.168.0.1",
                "https://169.254.169.254/latest/meta-data", "https://100.64.0.1", "https://0.0.0.0", "https://[::1]",
                "https://[fe80::1]", "https://[fd12::1]", "https://[::ffff:127.0.0.1]", "https://224.0.0.1",
                "https://2130706433", "https://intranet", "https://svc.internal", "https://printer.local",
                "javascript:alert(1)", "https://u:p@hooks.example.com", "//hooks.example.com"}) {
            assertThat(WebhookTargets.refusal(refused, false)).as(refused).isPresent();
        }
        assertThat(WebhookTargets.refusal("http://127.0.0.1:8080/hook", true)).isEmpty();
        assertThat(WebhookTargets.refusal("ftp://127.0.0.1/hook", true)).isPresent();
    }

    @Test
    void resolvedAddressesAreJudgedByWhatTheyAre() throws Exception {
        for (String forbidden : new String[]{"127.0.0.2", "::1", "10.9.8.7", "192.168.1.1", "172.31.255.255",
                "169.254.0.1", "fe80::abcd", "fc00::1", "ff02::1", "::ffff:10.0.0.1", "0.0.0.0", "255.255.255.255"}) {
            assertThat(WebhookTargets.isForbidden(InetAddress.getByName(forbidden))).as(forbidden).isTrue();
        }
        for (String allowed : new String[]{"93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "172.32.0.1"}) {
            assertThat(WebhookTargets.isForbidden(InetAddress.getByName(allowed))).as(allowed).isFalse();
        }
    }
}
