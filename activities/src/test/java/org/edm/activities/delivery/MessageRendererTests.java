package org.edm.activities.delivery;

import com.samskivert.mustache.Mustache;
import org.edm.domain.tracking.LinkSigner;
import org.edm.domain.tracking.TrackingUrls;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MessageRendererTests {

    private final LinkSigner signer = new LinkSigner("renderer-tests-tracking-key".getBytes());
    private final MessageRenderer renderer = new MessageRenderer(null,
            new TrackingUrls("https://edm.example.test/", signer));
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
                        + "<img src=\"https://edm.example.test/track/open/tok123.gif\"")
                .endsWith("</body></html>");
    }

    @Test
    void lineBreaksCannotEscapeTheSubjectHeader() {
        MessageRenderer.Recipient sneaky = new MessageRenderer.Recipient(8, "tok", "x@example.test",
                "Eve\r\nBcc: all@example.test", "news", "t", "c");
        OutgoingMail mail = renderer.render(sneaky, template("Hi {{nickname}}", "b"), "mail.example",
                ZoneId.of("Asia/Shanghai"), Instant.now());

        assertThat(mail.subject()).isEqualTo("Hi Eve Bcc: all@example.test");
    }

    @Test
    void linksAreRewrittenToSignedClickRedirectsAndAnOpenPixelIsAppended() {
        OutgoingMail mail = renderer.render(bob, template("s", """
                        <p>Sale: <a href="https://shop.example/p?id=1&amp;src=mail">shop</a>
                        <a href=" HTTP://Old.example/x ">old</a> <a href="mailto:help@shop.example">mail us</a>
                        <a href="#top">top</a> <a href="{{unsubscribe_url}}">unsubscribe</a></p>
                        <p>Not a link: https://plain.example/text</p>"""),
                "mail.example", ZoneId.of("Asia/Shanghai"), Instant.now());

        Document doc = Jsoup.parse(mail.htmlBody());
        List<String> hrefs = doc.select("a").eachAttr("href");
        assertThat(hrefs).containsExactly(
                "https://edm.example.test/track/click/tok123?u=https%3A%2F%2Fshop.example%2Fp%3Fid%3D1%26src%3Dmail&s="
                        + signer.sign("tok123", "https://shop.example/p?id=1&src=mail"),
                "https://edm.example.test/track/click/tok123?u=HTTP%3A%2F%2FOld.example%2Fx&s="
                        + signer.sign("tok123", "HTTP://Old.example/x"),
                "mailto:help@shop.example",
                "#top",
                "https://edm.example.test/unsubscribe/tok123");
        Element pixel = doc.select("img").last();
        assertThat(pixel.attr("src")).isEqualTo("https://edm.example.test/track/open/tok123.gif");
        assertThat(pixel.attr("width")).isEqualTo("1");
        assertThat(mail.htmlBody()).contains("Not a link: https://plain.example/text")
                .doesNotContain("<html");
        assertThat(mail.headers()).containsEntry("List-Unsubscribe", "<https://edm.example.test/unsubscribe/tok123>");
    }
}
