package org.edm.activities.apisend;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How API messages leave: through Aliyun DirectMail's SMTP interface with each mailbox's own SMTP login.
 *
 * @param smtpHost        DirectMail's SMTP endpoint (tests point it at a local server)
 * @param smtpPort        465 with {@code ssl}, 25 or 80 without
 * @param ssl             implicit TLS (DirectMail's port 465)
 * @param concurrency     parallel sends per round (and pooled connections per mailbox)
 * @param maxAttempts     rounds a message may be claimed when the server certainly did not take it (cannot
 *                        connect, 421) before it ends FAILED, uncharged
 * @param staleClaimAfter a SENDING message untouched this long belongs to a send activity that is gone for good
 * @param keepClaimingFor how long one send activity goes on claiming the next messages while some are due, before
 *                        it hands back to its workflow (well inside the activity's 5 min start-to-close timeout)
 * @param inFlightGroup   messages a send thread marks attempted (and charges) in one commit and records in one
 *                        statement; also what a worker killed mid-send can leave UNKNOWN: at most this many per send
 *                        thread ({@code inFlightGroup × concurrency} per worker)
 */
@ConfigurationProperties("edm.api-send")
public record ApiSendProperties(@DefaultValue("smtpdm.aliyun.com") String smtpHost,
                                @DefaultValue("465") int smtpPort,
                                @DefaultValue("true") boolean ssl,
                                @DefaultValue("8") int concurrency,
                                @DefaultValue("5") int maxAttempts,
                                @DefaultValue("30m") Duration staleClaimAfter,
                                @DefaultValue("20s") Duration keepClaimingFor,
                                @DefaultValue("10") int inFlightGroup) {

    /** Without {@code keepClaimingFor}: one claim per activity (tests that count rounds). */
    public ApiSendProperties(String smtpHost, int smtpPort, boolean ssl, int concurrency, int maxAttempts,
                             Duration staleClaimAfter) {
        this(smtpHost, smtpPort, ssl, concurrency, maxAttempts, staleClaimAfter, Duration.ZERO);
    }

    /** With the default in-flight group. */
    public ApiSendProperties(String smtpHost, int smtpPort, boolean ssl, int concurrency, int maxAttempts,
                             Duration staleClaimAfter, Duration keepClaimingFor) {
        this(smtpHost, smtpPort, ssl, concurrency, maxAttempts, staleClaimAfter, keepClaimingFor, 10);
    }

    @org.springframework.boot.context.properties.bind.ConstructorBinding
    public ApiSendProperties {
        if (concurrency < 1 || maxAttempts < 1 || inFlightGroup < 1) {
            throw new IllegalArgumentException("edm.api-send.concurrency, max-attempts and in-flight-group must be "
                    + "positive");
        }
        if (keepClaimingFor.isNegative() || keepClaimingFor.compareTo(Duration.ofMinutes(2)) > 0) {
            throw new IllegalArgumentException("edm.api-send.keep-claiming-for must be 0 to 2 minutes (the send "
                    + "activity's start-to-close timeout is 5 minutes)");
        }
    }
}
