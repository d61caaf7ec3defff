package org.edm.api.webhook;

import com.sun.net.httpserver.HttpServer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The MNS signing certificates of the tests, made once per JVM by the JDK's keytool (no private key lives in the
 * repository): a test CA (which {@code ApiTestSupport} configures as a trust anchor), a signing certificate issued
 * by it, and a self-signed one of the kind anyone can put in their own OSS bucket. A loopback HTTP server hands
 * them out; {@link Routing} sends the api's certificate fetch for {@code https://<host>/<path>} to
 * {@code http://127.0.0.1:<port>/<host>/<path>}, so the tests use the real MNS host names and the production
 * allow-list.
 */
public final class MnsTestPki {

    /** The documented MNS certificate address, served with the CA-issued signing certificate. */
    static final String MNS_CERT_URL = "https://mns-cert.oss-cn-hangzhou.aliyuncs.com/x509_public_certificate.pem";
    /** An allowed-looking bucket of an attacker, serving a self-signed certificate. */
    static final String EVIL_BUCKET_URL = "https://evil-bucket.oss-cn-hangzhou.aliyuncs.com/x509_public_certificate.pem";
    /** A self-signed certificate at an allowed MNS host (as if the host were spoofed): the chain decides. */
    static final String SELF_SIGNED_ON_MNS_HOST_URL = "https://mns-cert.oss-cn-hangzhou.aliyuncs.com/self-signed.pem";

    private static MnsTestPki instance;

    final PrivateKey signingKey;
    final PrivateKey selfSignedKey;
    final Path caPem;
    private final HttpServer server;
    private final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();

    private MnsTestPki() throws Exception {
        Path dir = Files.createTempDirectory("mns-test-pki");
        Path store = dir.resolve("keys.p12");
        String pass = "mns-test-store";
        keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3",
                "-dname", "CN=edm-test-mns-ca", "-ext", "bc:c", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", pass, "-keypass", pass);
        keytool(dir, "-genkeypair", "-alias", "mns", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=mns-test-signing", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", pass, "-keypass", pass);
        keytool(dir, "-certreq", "-alias", "mns", "-file", dir.resolve("mns.csr").toString(),
                "-keystore", store.toString(), "-storepass", pass);
        keytool(dir, "-gencert", "-alias", "ca", "-infile", dir.resolve("mns.csr").toString(), "-outfile",
                dir.resolve("mns.pem").toString(), "-rfc", "-validity", "2", "-keystore", store.toString(),
                "-storepass", pass);
        keytool(dir, "-exportcert", "-alias", "ca", "-rfc", "-file", dir.resolve("ca.pem").toString(),
                "-keystore", store.toString(), "-storepass", pass);
        keytool(dir, "-genkeypair", "-alias", "evil", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=mns-test-signing", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", pass, "-keypass", pass);
        keytool(dir, "-exportcert", "-alias", "evil", "-rfc", "-file", dir.resolve("evil.pem").toString(),
                "-keystore", store.toString(), "-storepass", pass);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keys.load(in, pass.toCharArray());
        }
        signingKey = (PrivateKey) keys.getKey("mns", pass.toCharArray());
        selfSignedKey = (PrivateKey) keys.getKey("evil", pass.toCharArray());
        byte[] issuedPem = Files.readAllBytes(dir.resolve("mns.pem"));
        byte[] selfSignedPem = Files.readAllBytes(dir.resolve("evil.pem"));
        caPem = dir.resolve("ca.pem");
        for (String file : List.of("keys.p12", "mns.csr", "mns.pem", "evil.pem")) {
            Files.delete(dir.resolve(file));
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serve(MNS_CERT_URL, issuedPem);
        serve(EVIL_BUCKET_URL, selfSignedPem);
        serve(SELF_SIGNED_ON_MNS_HOST_URL, selfSignedPem);
        server.start();
    }

    static synchronized MnsTestPki get() {
        if (instance == null) {
            try {
                instance = new MnsTestPki();
            } catch (Exception e) {
                throw new IllegalStateException("could not make the MNS test certificates", e);
            }
        }
        return instance;
    }

    /** For {@code ApiTestSupport}: the PEM file of the test CA the api is told to trust. */
    public static String caPemFile() {
        return get().caPem.toString();
    }

    /** How often the api fetched this certificate URL. */
    int fetches(String url) {
        return fetches.computeIfAbsent(localPath(URI.create(url)), k -> new AtomicInteger()).get();
    }

    URI local(URI url) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + localPath(url));
    }

    private static String localPath(URI url) {
        return "/" + url.getHost() + url.getRawPath();
    }

    private void serve(String url, byte[] body) {
        String path = localPath(URI.create(url));
        server.createContext(path, exchange -> {
            fetches.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process keytool = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
        }
    }

    /** The api's real certificate fetch, pointed at the loopback server instead of the host in the URL. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Routing {

        @Bean
        @Primary
        MnsCertificateSource routedMnsCertificates(HttpMnsCertificateSource real) {
            return url -> real.fetch(get().local(url));
        }
    }
}
