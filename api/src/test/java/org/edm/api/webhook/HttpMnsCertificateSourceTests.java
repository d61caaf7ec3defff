package org.edm.api.webhook;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The certificate fetch is bounded: a URL named by a caller of a public endpoint must not hold a request thread. */
class HttpMnsCertificateSourceTests {

    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpMnsCertificateSource source = new HttpMnsCertificateSource(32 * 1024, Duration.ofSeconds(2),
            Duration.ofMillis(700));

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/huge.pem", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] chunk = new byte[8192];
                for (int i = 0; i < 1024; i++) {
                    out.write(chunk);
                }
            } catch (IOException clientGaveUp) {
                // expected: the client cancels past the limit
            }
        });
        server.createContext("/slow.pem", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("-----BEGIN CERTIFICATE-----\n".getBytes());
                out.flush();
                release.await(10, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException ignored) {
                // the client gave up
            }
        });
        server.createContext("/moved.pem", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:1/cert.pem");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void anOversizedAnswerIsRefused() {
        assertThatThrownBy(() -> source.fetch(url("/huge.pem"))).isInstanceOf(IOException.class)
                .hasMessageContaining("larger than");
    }

    @Test
    void aSlowAnswerIsAbandonedAtTheTimeout() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> source.fetch(url("/slow.pem"))).isInstanceOf(IOException.class)
                .hasMessageContaining("within");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void redirectsAreNotFollowed() {
        assertThatThrownBy(() -> source.fetch(url("/moved.pem"))).isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP 302");
    }
}
