package org.edm.api.webhook;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Downloads an MNS signing certificate (PEM or DER, optionally followed by its intermediates) without following
 * redirects. The whole fetch, body included, must finish within {@code cert-fetch-timeout} and the body may not
 * exceed {@code cert-max-bytes}: a certificate URL is named by the caller of a public endpoint, so a slow or endless
 * answer must not hold a request thread. {@link MnsSignature} keeps what it verified by URL, so this runs once per
 * certificate.
 */
@Component
class HttpMnsCertificateSource implements MnsCertificateSource {

    private final HttpClient http;
    private final int maxBytes;
    private final Duration fetchTimeout;

    HttpMnsCertificateSource(@Value("${edm.webhooks.aliyun-mns.cert-max-bytes:32768}") int maxBytes,
                             @Value("${edm.webhooks.aliyun-mns.cert-connect-timeout:PT3S}") Duration connectTimeout,
                             @Value("${edm.webhooks.aliyun-mns.cert-fetch-timeout:PT5S}") Duration fetchTimeout) {
        this.maxBytes = maxBytes;
        this.fetchTimeout = fetchTimeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public List<X509Certificate> fetch(URI url) throws IOException, GeneralSecurityException {
        CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(
                HttpRequest.newBuilder(url).timeout(fetchTimeout).GET().build(),
                info -> info.statusCode() == 200 ? new LimitedBody(maxBytes)
                        : HttpResponse.BodySubscribers.replacing(null));
        HttpResponse<byte[]> response;
        try {
            response = call.get(fetchTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new IOException("no complete answer within " + fetchTimeout.toMillis() + " ms from " + url);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + url, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException("fetching " + url, e.getCause());
        }
        if (response.statusCode() != 200 || response.body() == null) {
            throw new IOException("HTTP " + response.statusCode() + " for " + url);
        }
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(response.body()))) {
                certificates.add((X509Certificate) c);
            }
        } catch (CertificateException | ClassCastException e) {
            throw new CertificateException("no X.509 certificate at " + url, e);
        }
        if (certificates.isEmpty()) {
            throw new CertificateException("no X.509 certificate at " + url);
        }
        return certificates;
    }

    /** Collects the body and gives up (cancelling the download) as soon as it grows past the limit. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final int maxBytes;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        LimitedBody(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + buffer.remaining() > maxBytes) {
                    subscription.cancel();
                    result.completeExceptionally(new IOException("certificate larger than " + maxBytes + " bytes"));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }
    }
}
