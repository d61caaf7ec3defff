package org.edm.activities.provider.aliyun;

import org.edm.activities.provider.FakeHttpApi;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What a local Aliyun fake checks of every RPC-style request: the parameters and their signature. */
public final class AliyunRpcSignature {

    private AliyunRpcSignature() {
    }

    /** The request's parameters, from the query string and a form body alike. */
    public static Map<String, String> parameters(FakeHttpApi.Request request) {
        Map<String, String> p = new TreeMap<>(request.query());
        if (!request.body().isBlank()) {
            p.putAll(FakeHttpApi.parseQuery(request.body()));
        }
        return p;
    }

    /** Aliyun RPC signature v1: HMAC-SHA1 over METHOD&%2F&encode(sorted canonical query), key secret + "&". */
    public static String expected(String method, Map<String, String> params, String accessKeySecret) {
        String canonical = new TreeMap<>(params).entrySet().stream()
                .filter(e -> !e.getKey().equals("Signature"))
                .map(e -> percent(e.getKey()) + "=" + percent(e.getValue()))
                .collect(Collectors.joining("&"));
        String toSign = method + "&" + percent("/") + "&" + percent(canonical);
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec((accessKeySecret + "&").getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return java.util.Base64.getEncoder().encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String percent(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }
}
