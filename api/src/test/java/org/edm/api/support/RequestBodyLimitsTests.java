package org.edm.api.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A chunked body has no Content-Length to refuse up front: reading it stops at the first byte past the limit. */
class RequestBodyLimitsTests {

    private final RequestBodyLimits filter = new RequestBodyLimits(new RequestLimits(DataSize.ofKilobytes(256),
            DataSize.ofKilobytes(16), DataSize.ofMegabytes(10), DataSize.ofMegabytes(5)),
            new ProblemWriter(new ObjectMapper()));

    /** What a servlet container gives for a chunked body: the bytes, no length. */
    private static MockHttpServletRequest chunked(String path, int size) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", path) {
            @Override
            public int getContentLength() {
                return -1;
            }

            @Override
            public long getContentLengthLong() {
                return -1;
            }
        };
        request.setContent(new byte[size]);
        return request;
    }

    @Test
    void aChunkedWebhookBodyIsCutOffAtItsLimit() {
        AtomicLong read = new AtomicLong();
        assertThatThrownBy(() -> filter.doFilter(chunked("/webhooks/engagelab", 1024 * 1024),
                new MockHttpServletResponse(), (req, res) -> {
                    byte[] buffer = new byte[4096];
                    int n;
                    while ((n = req.getInputStream().read(buffer)) > 0) {
                        read.addAndGet(n);
                    }
                })).isInstanceOf(BodyTooLargeException.class);
        assertThat(read.get()).isLessThanOrEqualTo(256 * 1024);
    }

    @Test
    void aChunkedBodyWithinItsLimitIsReadWhole() throws Exception {
        AtomicLong read = new AtomicLong();
        filter.doFilter(chunked("/v1/contacts/import", 1024 * 1024), new MockHttpServletResponse(),
                (req, res) -> read.set(req.getInputStream().readAllBytes().length));
        assertThat(read.get()).isEqualTo(1024 * 1024);
    }

    @Test
    void aDeclaredLengthOverTheLimitIsAnsweredBeforeTheBodyIsRead() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/track/open/x.gif");
        request.setContent(new byte[17 * 1024]);
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, (req, res) -> {
            throw new AssertionError("the body must not reach the endpoint");
        });
        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(response.getContentAsString()).contains("larger than 16384 bytes");
    }

    @Test
    void aBodyCutOffWhileSpringReadsItIsA413ProblemNotA400() throws Exception {
        // what Spring's message converters make of the stream's exception for a @RequestBody parameter
        var unreadable = new org.springframework.http.converter.HttpMessageNotReadableException(
                "I/O error while reading input message", new BodyTooLargeException(262_144),
                new org.springframework.mock.http.MockHttpInputMessage(new byte[0]));
        var answer = new ApiProblemHandler().handleException(unreadable,
                new org.springframework.web.context.request.ServletWebRequest(new MockHttpServletRequest()));
        assertThat(answer.getStatusCode().value()).isEqualTo(413);
        assertThat(((org.springframework.http.ProblemDetail) answer.getBody()).getDetail())
                .contains("larger than 262144 bytes");
    }
}
