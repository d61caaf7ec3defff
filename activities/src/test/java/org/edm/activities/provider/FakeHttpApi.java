package org.edm.activities.provider;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A local stand-in for a provider's HTTP API: records every request and answers as the test says. */
public final class FakeHttpApi implements AutoCloseable {

    public record Request(String method, String path, Map<String, String> query, Map<String, List<String>> headers,
                          String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    public record Reply(int status, String body, long delayMillis) {
        public static Reply json(int status, String body) {
            return new Reply(status, body, 0);
        }

        /** A gateway that hands the request on and then answers with its own error page, not the provider's JSON. */
        public static Reply gatewayPage(int status) {
            return new Reply(status, "<html><body><h1>" + status + " gateway error</h1></body></html>", 0);
        }

        /** Reads the whole request, then drops the connection without a status line. */
        public static Reply hangUp() {
            return new Reply(HANG_UP, "", 0);
        }
    }

    private static final int HANG_UP = -1;

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Reply> answer = r -> Reply.json(200, "{}");

    public FakeHttpApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    public void answer(Function<Request, Reply> answer) {
        this.answer = answer;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Request> requests() {
        return requests;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                parseQuery(exchange.getRequestURI().getRawQuery()), Map.copyOf(exchange.getRequestHeaders()), body);
        requests.add(request);
        Reply reply = answer.apply(request);
        if (reply.delayMillis() > 0) {
            try {
                Thread.sleep(reply.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (reply.status() == HANG_UP) {
            exchange.close(); // no response headers sent yet: the server closes the connection
            return;
        }
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json;charset=utf-8");
        try {
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException clientGone) {
            // the client timed out first
        }
        exchange.close();
    }

    public static Map<String, String> parseQuery(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.put(key, value);
        }
        return query;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
