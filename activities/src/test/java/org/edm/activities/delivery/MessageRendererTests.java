package org.edm.activities.delivery;

import com.samskivert.mustache.Mustache;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

class MessageRendererTests {

    private final MessageRenderer renderer = new MessageRenderer(null, "https://edm.example.test/");
    private final MessageRenderer.Recipient bob = new MessageRenderer.Recipient(7, "tok123", "bob@example.test",
            "<b>Bob & Co</b>", "news", "Day 1", "Spring sale");

    private MessageRenderer.CompiledTemplate template(String subject, String body) {
        return new MessageRenderer.CompiledTemplate(1, Instant.EPOCH, Mustache.compiler().escapeHTML(false)
                .defaultValue("").compile(subject), Mustache.compiler().defaultValue("").compile(body),
                body.contains("unsubscribe_url"), null);
    }

    @Test
    void rendersVariablesEscapingContactDataInTheBodyOnly() {
        OutgoingMail mail = renderer.render(bob, template("Hi {{nickname}}, {{campaign_name}}",
                        "<p>Dear {{nickname}} ({{email}}), {{task_name}} on {{send_date}}.</p>"
                                + "<a href=\"{{unsubscribe_url}}\">bye</a>"),
                "mail.example", ZoneId.of("Asia/Shanghai"), Instant.parse("2026-03-09T17:00:00Z"));

        assertThat(mail.subject()).isEqualTo("Hi <b>Bob & Co</b>, Spring sale");
        assertThat(mail.htmlBody()).contains("Dear &lt;b&gt;Bob &amp; Co&lt;/b&gt; (bob@example.test)")
                .contains("Day 1 on 2026-03-10")
                .contains("href=\"https://edm.example.test/unsubscribe/tok123\"")
                .doesNotContain("退订");
        assertThat(mail.from()).isEqualTo("news@mail.example");
        assertThat(mail.to()).isEqualTo("bob@example.test");
        assertThat(mail.messageId()).isEqualTo("<tok123@mail.example>");
        assertThat(mail.headers())
                .containsEntry("List-Unsubscribe", "<https://edm.example.test/unsubscribe/tok123>")
                .containsEntry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        assertThat(mail.toString()).doesNotContain("bob@");
    }

    @Test
    void aBodyWithoutTheUnsubscribeLinkGetsAFooterWithIt() {
        OutgoingMail mail = renderer.render(bob, template("s", "<html><body><p>Hi</p></body></html>"),
                "mail.example", ZoneId.of("Asia/Shanghai"), Instant.now());

        assertThat(mail.htmlBody()).contains("https://edm.example.test/unsubscribe/tok123\">退订 / Unsubscribe</a></p>"
                + "</body></html>");
    }

    @Test
    void lineBreaksCannotEscapeTheSubjectHeader() {
        MessageRenderer.Recipient sneaky = new MessageRenderer.Recipient(8, "tok", "x@example.test",
                "Eve\r\nBcc: all@example.test", "news", "t", "c");
        OutgoingMail mail = renderer.render(sneaky, template("Hi {{nickname}}", "b"), "mail.example",
                ZoneId.of("Asia/Shanghai"), Instant.now());

        assertThat(mail.subject()).isEqualTo("Hi Eve Bcc: all@example.test");
    }
}
