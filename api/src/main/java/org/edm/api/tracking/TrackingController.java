package org.edm.api.tracking;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.RateLimitedException;
import org.edm.domain.tracking.EngagementEvents;
import org.edm.domain.tracking.EventType;
import org.edm.domain.tracking.TrackingUrls;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The public endpoints the links in sent e-mail point at (no sign-in: the unguessable delivery token is the
 * credential). Each hit is an {@code event_log} row and sets the contact's per-campaign label at once.
 */
@RestController
@SecurityRequirements // public: no token (see SecurityConfiguration)
@Tag(name = "Tracking", description = "Open pixel, click redirect and unsubscribe, linked from sent e-mail")
class TrackingController {

    /** The smallest transparent GIF: 1x1, one transparent colour. */
    static final byte[] PIXEL = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    private final EngagementEvents events;
    private final TrackingUrls urls;
    private final Clock clock;
    private final ObjectMapper json;
    private final ReaderThrottle throttle;

    TrackingController(EngagementEvents events, TrackingUrls urls, Optional<Clock> clock, ObjectMapper json,
                       ReaderThrottle throttle) {
        this.events = events;
        this.urls = urls;
        this.json = json;
        this.throttle = throttle;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @GetMapping("/track/open/{file}")
    @Operation(summary = "Open pixel: a 1x1 GIF, never cached; always served, recorded only for a known token",
            description = "Over the per-address rate limit (edm.tracking.rate-limit) the pixel is served and the "
                    + "open is not recorded.")
    @ApiResponse(responseCode = "200", description = "the 1x1 transparent GIF",
            content = @Content(mediaType = MediaType.IMAGE_GIF_VALUE,
                    schema = @Schema(type = "string", format = "binary")))
    ResponseEntity<byte[]> open(@PathVariable String file, HttpServletRequest request) {
        String token = file.endsWith(".gif") ? file.substring(0, file.length() - 4) : file;
        Instant now = clock.instant();
        // a flood from one address still gets its pixel (a real reader never sees an error), but costs no query
        Optional<EngagementEvents.Delivery> found = throttle.hit(request) ? events.byToken(token) : Optional.empty();
        found.ifPresent(delivery -> {
            String userAgent = request.getHeader(HttpHeaders.USER_AGENT);
            events.record(delivery, new EngagementEvents.Event(EventType.OPEN,
                    MachineOpens.isMachine(userAgent, delivery.sentAt(), now), now, userAgent,
                    IpPrefix.of(request.getRemoteAddr()), null, null, false));
        });
        return ResponseEntity.ok()
                .contentType(MediaType.IMAGE_GIF)
                .cacheControl(CacheControl.noStore().mustRevalidate())
                .header(HttpHeaders.PRAGMA, "no-cache")
                .header(HttpHeaders.EXPIRES, "0")
                .body(PIXEL);
    }

    @GetMapping("/track/click/{token}")
    @Operation(summary = "Click redirect: 302 to u only when s is this delivery's signature of u (else 400)",
            description = "Over the per-address rate limit (edm.tracking.rate-limit) the click still redirects and "
                    + "is not recorded.")
    @ApiResponse(responseCode = "302", description = "to the link's target (Location)",
            headers = @io.swagger.v3.oas.annotations.headers.Header(name = HttpHeaders.LOCATION,
                    schema = @Schema(type = "string", format = "uri")))
    @ApiResponse(responseCode = "400", description = "u or s missing, s not the signature of u for this link, "
            + "or u not http(s)")
    ResponseEntity<Void> click(@PathVariable String token, @RequestParam(name = "u", required = false) String url,
                               @RequestParam(name = "s", required = false) String signature,
                               HttpServletRequest request) {
        if (url == null || signature == null || !urls.signer().verify(token, url, signature)) {
            throw new InvalidInputException("s", "the link's signature does not match its target; "
                    + "only links from the e-mail itself redirect");
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            throw new InvalidInputException("u", "only http(s) links redirect");
        }
        URI target = redirectTarget(url);
        Instant now = clock.instant();
        if (throttle.hit(request)) {
            events.byToken(token).ifPresent(delivery -> events.record(delivery, new EngagementEvents.Event(
                    EventType.CLICK, false, now, request.getHeader(HttpHeaders.USER_AGENT),
                    IpPrefix.of(request.getRemoteAddr()), null, json(Map.of("url", truncate(url, 2000))), false)));
        }
        return ResponseEntity.status(HttpStatus.FOUND)
                .location(target)
                .cacheControl(CacheControl.noStore())
                .build();
    }

    @GetMapping(value = "/unsubscribe/{token}", produces = MediaType.TEXT_HTML_VALUE)
    @Operation(summary = "Unsubscribe page with a confirm button (a GET changes nothing: link scanners fetch it)",
            description = "Over the per-address rate limit (edm.tracking.rate-limit) the answer is a 429 page.")
    @ApiResponse(responseCode = "200", description = "the confirm page (HTML)",
            content = @Content(mediaType = MediaType.TEXT_HTML_VALUE, schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", description = "unknown link (an HTML page)",
            content = @Content(mediaType = MediaType.TEXT_HTML_VALUE, schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "429", description = "too many requests from this client address (an HTML page)",
            content = @Content(mediaType = MediaType.TEXT_HTML_VALUE, schema = @Schema(type = "string")))
    ResponseEntity<String> unsubscribePage(@PathVariable String token, HttpServletRequest request) {
        if (!throttle.hit(request)) {
            return html(HttpStatus.TOO_MANY_REQUESTS, "请稍后再试 / Try again later",
                    "<p>Too many requests from your network; please open the link again in a minute.</p>");
        }
        if (events.byToken(token).isEmpty()) {
            return html(HttpStatus.NOT_FOUND, "链接无效 / Link not valid",
                    "<p>This unsubscribe link is not valid (any more).</p>");
        }
        String action = HtmlUtils.htmlEscape(urls.unsubscribe(token));
        return html(HttpStatus.OK, "退订 / Unsubscribe", """
                <p>确认不再接收此发件人的邮件？ / Stop receiving e-mail from this sender?</p>
                <form method="post" action="%s">
                  <input type="hidden" name="List-Unsubscribe" value="One-Click">
                  <button type="submit">确认退订 / Unsubscribe</button>
                </form>""".formatted(action));
    }

    @PostMapping(value = "/unsubscribe/{token}", produces = MediaType.TEXT_HTML_VALUE)
    @Operation(summary = "Unsubscribe (RFC 8058 one-click: body List-Unsubscribe=One-Click, or the page's button)",
            description = "Suppresses the address for the sending user: no later task of any of the user's "
                    + "campaigns sends to it, and running tasks send it nothing more (deliveries to it that no "
                    + "provider has been handed yet end SKIPPED, reason SUPPRESSED; a mail already handed to a "
                    + "provider may still arrive). Repeating it changes nothing. Over the per-address rate limit "
                    + "(edm.tracking.rate-limit.unsubscribe-*) the answer is 429 with Retry-After.")
    @ApiResponse(responseCode = "200", description = "unsubscribed (an HTML page)",
            content = @Content(mediaType = MediaType.TEXT_HTML_VALUE, schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", description = "unknown link (an HTML page)",
            content = @Content(mediaType = MediaType.TEXT_HTML_VALUE, schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "429", description = "too many unsubscribe requests from this client address",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    ResponseEntity<String> unsubscribe(@PathVariable String token, HttpServletRequest request) {
        long wait = throttle.unsubscribe(request);
        if (wait > 0) {
            throw new RateLimitedException("too many unsubscribe requests from your address; try again in " + wait
                    + " seconds", wait);
        }
        Optional<EngagementEvents.Delivery> found = events.byToken(token);
        if (found.isEmpty()) {
            return html(HttpStatus.NOT_FOUND, "链接无效 / Link not valid",
                    "<p>This unsubscribe link is not valid (any more).</p>");
        }
        EngagementEvents.Delivery delivery = found.get();
        Instant now = clock.instant();
        events.record(delivery, new EngagementEvents.Event(EventType.UNSUBSCRIBE, false, now,
                request.getHeader(HttpHeaders.USER_AGENT), IpPrefix.of(request.getRemoteAddr()), null,
                json(Map.of("one_click", "One-Click".equals(request.getParameter("List-Unsubscribe")))), false));
        return html(HttpStatus.OK, "已退订 / Unsubscribed",
                "<p>您已退订，不会再收到此发件人的邮件。 / You are unsubscribed and will not receive e-mail from "
                        + "this sender again.</p>");
    }

    private static ResponseEntity<String> html(HttpStatus status, String title, String body) {
        return ResponseEntity.status(status)
                .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .cacheControl(CacheControl.noStore())
                .body("""
                        <!DOCTYPE html>
                        <html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
                        <title>%s</title></head>
                        <body style="font-family:sans-serif;max-width:32em;margin:3em auto">
                        <h1>%s</h1>
                        %s
                        </body></html>""".formatted(title, title, body));
    }

    /** A template's href as written may hold characters a URI may not (spaces, non-ASCII): encode them. */
    private static URI redirectTarget(String url) {
        try {
            return URI.create(url);
        } catch (IllegalArgumentException notAUri) {
            try {
                return org.springframework.web.util.UriComponentsBuilder.fromUriString(url).encode().build().toUri();
            } catch (RuntimeException stillNot) {
                throw new InvalidInputException("u", "the link target is not a valid URL");
            }
        }
    }

    private String json(Map<String, Object> details) {
        try {
            return json.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
