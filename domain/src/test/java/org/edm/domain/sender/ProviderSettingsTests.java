package org.edm.domain.sender;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the api stores is what the send path and the mailbox poller read back, defaults included. */
class ProviderSettingsTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void smtpWithItsMailboxSurvivesTheRoundTripAndStoresNoSslUnlessGiven() throws Exception {
        ProviderSettings.Smtp written = new ProviderSettings.Smtp("smtp.example.com", 587, "news", true, null,
                new ProviderSettings.Imap("imap.example.com", 993, null, true, "INBOX"));
        Map<String, Object> stored = written.toStored();

        assertThat(stored).containsOnlyKeys("host", "port", "username", "tls", "imap");
        assertThat(ProviderSettings.Smtp.read(JSON.writeValueAsString(stored))).isEqualTo(written);
    }

    @Test
    void readingFillsTheDefaultsAndDropsBlanks() {
        ProviderSettings.Smtp smtp = ProviderSettings.Smtp.read("{\"host\": \"h\", \"username\": \"  \"}");
        assertThat(smtp.port()).isNull();
        assertThat(smtp.username()).isNull();
        assertThat(smtp.tls()).isFalse();
        assertThat(smtp.imap()).isNull();
        assertThat(ProviderSettings.AliyunDm.read("{\"access_key_id\": \" LTAI \"}"))
                .isEqualTo(new ProviderSettings.AliyunDm("LTAI", "cn-hangzhou", null, null, null));
        assertThat(ProviderSettings.EngageLab.read("{\"api_user\": \"u\", \"endpoint\": \"https://x.example//\"}")
                .endpoint()).isEqualTo("https://x.example");
        assertThat(ProviderSettings.EngageLab.read("{\"api_user\": \"u\"}").endpoint())
                .isEqualTo(ProviderSettings.DEFAULT_ENGAGELAB_ENDPOINT);
    }

    @Test
    void theEntitysSettingsMapReadsLikeItsJson() {
        // what the api's admin view reads (SenderService.getSettings()) is what the send path reads from the column
        ProviderSettings.Smtp written = new ProviderSettings.Smtp("smtp.example.com", 465, "news", false, true,
                new ProviderSettings.Imap("imap.example.com", 143, "replies", false, "Bounces"));
        assertThat(ProviderSettings.Smtp.read(written.toStored())).isEqualTo(written);
        assertThat(ProviderSettings.AliyunDm.read(Map.of("access_key_id", "LTAI", "account_name", "n@example.com")))
                .isEqualTo(new ProviderSettings.AliyunDm("LTAI", "cn-hangzhou", "n@example.com", null, null));
        assertThat(ProviderSettings.EngageLab.read((Map<String, ?>) null).endpoint())
                .isEqualTo(ProviderSettings.DEFAULT_ENGAGELAB_ENDPOINT);
    }
}
