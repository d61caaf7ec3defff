package org.edm.activities.provider.aliyun;

import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.dm.model.v20151123.SingleSendMailRequest;
import com.aliyuncs.dm.model.v20151123.SingleSendMailResponse;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.exceptions.ErrorType;
import com.aliyuncs.exceptions.ServerException;
import com.aliyuncs.http.FormatType;
import com.aliyuncs.http.MethodType;
import com.aliyuncs.http.ProtocolType;
import org.edm.activities.delivery.MailProvider;
import org.edm.activities.delivery.MailSendException;
import org.edm.activities.delivery.MailSendException.Kind;
import org.edm.activities.delivery.OutgoingMail;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/**
 * Sends through Aliyun DirectMail's {@code SingleSendMail} with the official SDK. The SDK's own retries are off:
 * a retried call after a read timeout could deliver twice, and Temporal already retries the batch with the
 * at-most-once bookkeeping around it (INV-3).
 *
 * <p>Classification (seed 000 §7):
 * <ul>
 *   <li>throttling and "could not connect": the message certainly did not leave, {@code NOT_SENT} (retried);</li>
 *   <li>every 5xx (502/503/504 included: a gateway may answer after the backend took the message), read timeouts
 *       and broken connections after the request went out: {@code UNCERTAIN} (retried, the delivery in flight
 *       becomes UNKNOWN);</li>
 *   <li>an invalid or refused recipient: {@code REJECTED} for that recipient only (FAILED, not counted towards
 *       freezing);</li>
 *   <li>any other 4xx (bad AccessKey, unverified sender account, content refused): {@code REJECTED}, FAILED
 *       without retry, and counted towards freezing the service.</li>
 * </ul>
 * DirectMail's single-send API takes no custom headers, so List-Unsubscribe rides only in the body link here.
 */
public final class AliyunDmMailProvider implements MailProvider, AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final AliyunDmSettings settings;
    private final DefaultAcsClient client;
    private final int readTimeoutMillis;

    public AliyunDmMailProvider(AliyunDmSettings settings, String accessKeySecret) {
        this(settings, accessKeySecret, Duration.ofSeconds(30));
    }

    /** {@code readTimeout}: how long to wait for the answer once the request is on its way (tests shorten it). */
    AliyunDmMailProvider(AliyunDmSettings settings, String accessKeySecret, Duration readTimeout) {
        if (settings.accessKeyId() == null || accessKeySecret == null || accessKeySecret.isBlank()) {
            throw new IllegalArgumentException("Aliyun DirectMail needs access_key_id and access_key_secret");
        }
        this.settings = settings;
        this.readTimeoutMillis = Math.toIntExact(readTimeout.toMillis());
        this.client = AliyunDmClients.newClient(settings.region(), settings.accessKeyId(), accessKeySecret,
                CONNECT_TIMEOUT_MILLIS, readTimeoutMillis);
    }

    @Override
    public String send(OutgoingMail mail) {
        SingleSendMailRequest request = new SingleSendMailRequest();
        request.setSysMethod(MethodType.POST);
        request.setAcceptFormat(FormatType.JSON);
        // per request: the SDK otherwise prefers its own per-API defaults over the client config's timeouts
        request.setSysConnectTimeout(CONNECT_TIMEOUT_MILLIS);
        request.setSysReadTimeout(readTimeoutMillis);
        if (settings.endpoint() != null) {
            request.setSysEndpoint(settings.endpoint());
            request.setSysProtocol(ProtocolType.HTTP);
        }
        request.setAccountName(settings.accountName() != null ? settings.accountName() : mail.from());
        request.setAddressType(1);
        request.setReplyToAddress(false);
        request.setToAddress(mail.to());
        request.setSubject(mail.subject());
        request.setHtmlBody(mail.htmlBody());
        if (settings.fromAlias() != null) {
            request.setFromAlias(settings.fromAlias());
        }
        try {
            SingleSendMailResponse response = client.getAcsResponse(request);
            return response.getEnvId() != null ? response.getEnvId()
                    : response.getRequestId() != null ? response.getRequestId() : mail.messageId();
        } catch (ServerException e) {
            throw classifyServer(e);
        } catch (ClientException e) {
            throw classifyClient(e);
        }
    }

    /**
     * Only an explicit throttling answer proves the message was refused. 502/503/504 (even with an Aliyun
     * {@code ServiceUnavailable} code) may come from a hop whose backend already took the message, so they are
     * uncertain like any other 5xx: a retry must not send twice (INV-3). Freezing after consecutive failures bounds
     * how many deliveries an outage turns UNKNOWN.
     */
    private static MailSendException classifyServer(ServerException e) {
        String code = String.valueOf(e.getErrCode());
        if (e.getErrorType() == ErrorType.Throttling || code.startsWith("Throttling")) {
            return new MailSendException(Kind.NOT_SENT, "Aliyun DirectMail busy: " + describe(e), null);
        }
        return new MailSendException(Kind.UNCERTAIN, "Aliyun DirectMail server error: " + describe(e), null);
    }

    static MailSendException classifyClient(ClientException e) {
        String code = String.valueOf(e.getErrCode());
        if (code.startsWith("SDK.")) {
            Throwable cause = rootCause(e);
            if (cause instanceof ConnectException || cause instanceof UnknownHostException
                    || cause instanceof NoRouteToHostException
                    || String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("connect timed out")) {
                return new MailSendException(Kind.NOT_SENT, "cannot reach Aliyun DirectMail: " + cause, null);
            }
            // the request may have been sent: a read timeout or a broken reply proves nothing either way
            return new MailSendException(Kind.UNCERTAIN, "no answer from Aliyun DirectMail: " + describe(e), null);
        }
        if (e.getErrorType() == ErrorType.Throttling || code.startsWith("Throttling")) {
            return new MailSendException(Kind.NOT_SENT, "Aliyun DirectMail throttled the request: " + describe(e),
                    null);
        }
        if (isRecipientFault(code)) {
            return new MailSendException(Kind.REJECTED, true, "recipient refused: " + describe(e), null);
        }
        return new MailSendException(Kind.REJECTED, "Aliyun DirectMail refused the message: " + describe(e), null);
    }

    /** DirectMail error codes about the address sent to, not about the account or the content. */
    private static boolean isRecipientFault(String code) {
        String c = code.toLowerCase(Locale.ROOT);
        return c.startsWith("invalidtoaddress") || c.startsWith("invalidreceiver") || c.startsWith("invalidrcpt")
                || c.contains("toaddress") || c.contains("blacklist") || c.contains("unsubscribe");
    }

    /** Error code and message only: the request (with its signature) and the recipient stay out. */
    private static String describe(ClientException e) {
        return e.getErrCode() + " " + e.getErrMsg();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public void close() {
        client.shutdown();
    }

    @Override
    public String toString() {
        return "AliyunDmMailProvider[" + settings.region() + "]";
    }
}
