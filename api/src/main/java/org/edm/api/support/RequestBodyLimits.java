package org.edm.api.support;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Request size limits ({@link RequestLimits}), first of all filters: a body whose Content-Length is over the limit
 * of its path is answered 413 before anything reads it or checks a signature or token; a body without one (chunked)
 * is read through a counting stream that fails with {@link BodyTooLargeException} at the first byte past the limit,
 * which {@code ApiProblemHandler} answers with 413. So no endpoint ever holds more than its limit in memory.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
@EnableConfigurationProperties(RequestLimits.class)
class RequestBodyLimits extends OncePerRequestFilter {

    private final RequestLimits limits;
    private final ProblemWriter problems;

    RequestBodyLimits(RequestLimits limits, ProblemWriter problems) {
        this.limits = limits;
        this.problems = problems;
    }

    /** The limit for this request's path, in bytes. */
    long limitFor(String path) {
        if (path.startsWith("/webhooks/")) {
            return limits.webhookBody().toBytes();
        }
        if (path.startsWith("/track/") || path.startsWith("/unsubscribe/")) {
            return limits.trackingBody().toBytes();
        }
        if (path.equals("/v1/contacts/import")) {
            return limits.importBody().toBytes();
        }
        return limits.body().toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long limit = limitFor(request.getRequestURI().substring(request.getContextPath().length()));
        if (request.getContentLengthLong() > limit) {
            problems.write(request, response, HttpStatus.PAYLOAD_TOO_LARGE, "Payload too large",
                    new BodyTooLargeException(limit).getMessage() + " allowed here");
            return;
        }
        chain.doFilter(new Limited(request, limit), response);
    }

    private static final class Limited extends HttpServletRequestWrapper {

        private final long limit;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Counting(super.getInputStream(), limit);
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }

    private static final class Counting extends ServletInputStream {

        private final ServletInputStream in;
        private final long limit;
        private long read;

        Counting(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws BodyTooLargeException {
            read += n;
            if (read > limit) {
                throw new BodyTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
