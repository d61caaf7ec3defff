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
import java.util.Map;
import java.util.Set;

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

    @Test
    void trackingReadsTagsAsABrowserWouldAndLeavesTheRestAsWritten() {
        String click = "https://edm.example.test/track/click/tok9?u=https%3A%2F%2Fa.example%2F%3Fx%3D1%26y%3D2&s="
                + signer.sign("tok9", "https://a.example/?x=1&y=2");
        String body = """
                <!DOCTYPE html><HTML><head><title><a href="https://t.example">x</a></title>
                <style>a[href^="https://s.example"] { color: red }</style></head><BODY>
                <!-- <a href="https://commented.example">old</a> -->
                <A class=btn HREF=https://a.example/?x=1&amp;y=2 target="_blank">go</A>
                <area shape="rect" href='https://a.example/?x=1&y=2' title="a > b">
                <a data-x="href=https://no.example" href="tel:+123">call</a>
                <script>if (a<b) { document.write('<a href="https://js.example">') }</script>
                <a href="https://first.example" href="https://second.example">dup</a>
                </body></HTML>""";

        String tracked = renderer.withTracking(body, "tok9");

        Document doc = Jsoup.parse(tracked);
        assertThat(doc.select("a.btn").attr("href")).isEqualTo(click);
        assertThat(doc.select("area").attr("href")).isEqualTo(click);
        assertThat(doc.select("area").attr("title")).isEqualTo("a > b");
        assertThat(doc.select("a[data-x]").attr("href")).isEqualTo("tel:+123");
        assertThat(doc.select("a[data-x]").attr("data-x")).isEqualTo("href=https://no.example");
        assertThat(tracked).as("comments, titles, styles and scripts are not tags")
                .contains("<!-- <a href=\"https://commented.example\">old</a> -->")
                .contains("<title><a href=\"https://t.example\">x</a></title>")
                .contains("a[href^=\"https://s.example\"]")
                .contains("<a href=\"https://js.example\">");
        assertThat(doc.select("a:contains(dup)").attr("href")).as("the first href counts")
                .startsWith("https://edm.example.test/track/click/tok9?u=https%3A%2F%2Ffirst.example");
        assertThat(tracked).as("the pixel goes inside the body, the document stays whole")
                .contains(".gif\" width=\"1\" height=\"1\" alt=\"\" "
                        + "style=\"display:block;width:1px;height:1px;border:0\"></body></HTML>")
                .startsWith("<!DOCTYPE html><HTML>");
        assertThat(doc.select("img").last().attr("src")).isEqualTo("https://edm.example.test/track/open/tok9.gif");
    }

    @Test
    void adminDefinedVariablesTakeContactFieldsTagsAndSystemValues() {
        renderer.useVariables(List.of(
                new MessageRenderer.Variable("company", "CONTACT_FIELD", "company"),
                new MessageRenderer.Variable("city", "CONTACT_FIELD", "city"),
                new MessageRenderer.Variable("name_again", "CONTACT_FIELD", "nickname"),
                new MessageRenderer.Variable("address", "CONTACT_FIELD", "email"),
                new MessageRenderer.Variable("vip", "CONTACT_TAG", "vip"),
                new MessageRenderer.Variable("churned", "CONTACT_TAG", "churned"),
                new MessageRenderer.Variable("promo", "SYSTEM", "campaign_name"),
                new MessageRenderer.Variable("today", "SYSTEM", "send_date"),
                new MessageRenderer.Variable("secret", "SYSTEM", "no_such_value"),
                new MessageRenderer.Variable("nothing", "CONTACT_FIELD", null)));
        MessageRenderer.Recipient alice = new MessageRenderer.Recipient(9, "tok9", "alice@example.test", "Alice",
                "news", "Day 1", "Spring sale", Set.of("vip", "beta"),
                Map.of("company", "<script>A & B</script>", "tier", "gold"));

        OutgoingMail mail = renderer.render(alice, template("{{company}} / {{promo}}", """
                        <p>[{{company}}][{{city}}][{{name_again}}][{{address}}]</p>
                        {{#vip}}<p>VIP offer</p>{{/vip}}{{^vip}}<p>regular</p>{{/vip}}
                        {{#churned}}<p>come back</p>{{/churned}}
                        <p>{{promo}} on {{today}} [{{secret}}][{{nothing}}]</p>"""),
                "mail.example", ZoneId.of("Asia/Shanghai"), Instant.parse("2026-03-09T17:00:00Z"));

        assertThat(mail.subject()).isEqualTo("<script>A & B</script> / Spring sale");
        assertThat(mail.htmlBody())
                .contains("[&lt;script&gt;A &amp; B&lt;/script&gt;][][Alice][alice@example.test]")
                .contains("<p>VIP offer</p>")
                .doesNotContain("regular").doesNotContain("come back").doesNotContain("<script>")
                .contains("Spring sale on 2026-03-10 [][]");

        MessageRenderer.Recipient plain = new MessageRenderer.Recipient(10, "tok10", "p@example.test", null,
                "news", "Day 1", "Spring sale");
        OutgoingMail other = renderer.render(plain, template("s", "{{#vip}}VIP{{/vip}}{{^vip}}regular{{/vip}} "
                        + "[{{company}}][{{name_again}}]"),
                "mail.example", ZoneId.of("Asia/Shanghai"), Instant.now());
        assertThat(other.htmlBody()).startsWith("regular [][]");
    }

    @Test
    void theSendDateIsTheDayInTheServicesZoneAcrossMidnightAndZones() {
        MessageRenderer.CompiledTemplate t = template("{{send_date}}", "<p>{{send_date}}</p>");
        ZoneId shanghai = ZoneId.of("Asia/Shanghai");
        // (one renderer: the date formatted for one message must not leak into another day or zone)
        assertThat(renderer.render(bob, t, "d.example", shanghai, Instant.parse("2026-03-09T15:59:59Z")).subject())
                .isEqualTo("2026-03-09");
        assertThat(renderer.render(bob, t, "d.example", shanghai, Instant.parse("2026-03-09T16:00:00Z")).subject())
                .isEqualTo("2026-03-10");
        assertThat(renderer.render(bob, t, "d.example", ZoneId.of("UTC"), Instant.parse("2026-03-09T16:00:00Z"))
                .subject()).isEqualTo("2026-03-09");
        assertThat(renderer.render(bob, t, "d.example", shanghai, Instant.parse("2026-03-08T23:00:00Z")).htmlBody())
                .contains("<p>2026-03-09</p>");
        assertThat(renderer.render(bob, t, "d.example", shanghai, Instant.parse("2026-03-08T15:00:00Z")).subject())
                .isEqualTo("2026-03-08");
    }
}
