package org.edm.activities.testing;

import org.edm.activities.delivery.MailProvider;
import org.edm.activities.delivery.MailProviders;
import org.edm.activities.delivery.MailSendException;
import org.edm.activities.delivery.OutgoingMail;
import org.edm.activities.delivery.SenderServiceAccount;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Wraps the real providers: records when each provider call started and ended, and injects failures on the
 * n-th call ({@code failure} gets the call number, 1-based, and returns what should happen).
 */
public final class RecordingProviders implements MailProviders {

    public enum Fault {
        NONE,
        /** the message reaches the server, then the connection "breaks": the worst case for INV-3 */
        UNCERTAIN_AFTER_SENDING,
        /** nothing reaches the server */
        NOT_SENT,
        /** the server refuses the message (not the recipient's fault) */
        REJECTED,
        /** the server refuses the recipient */
        RECIPIENT_REJECTED
    }

    private final MailProviders delegate;
    private final Function<Integer, Fault> failure;
    private final AtomicInteger calls = new AtomicInteger();
    public final List<Call> record = Collections.synchronizedList(new ArrayList<>());

    public RecordingProviders(MailProviders delegate, Function<Integer, Fault> failure) {
        this.delegate = delegate;
        this.failure = failure;
    }

    public static RecordingProviders recording(MailProviders delegate) {
        return new RecordingProviders(delegate, n -> Fault.NONE);
    }

    @Override
    public boolean supports(String providerType) {
        return delegate.supports(providerType);
    }

    @Override
    public MailProvider forService(SenderServiceAccount account) {
        MailProvider real = delegate.forService(account);
        return mail -> {
            int n = calls.incrementAndGet();
            long start = System.nanoTime();
            try {
                return switch (failure.apply(n)) {
                    case NONE -> real.send(mail);
                    case UNCERTAIN_AFTER_SENDING -> {
                        real.send(mail);
                        throw new MailSendException(MailSendException.Kind.UNCERTAIN,
                                "injected: connection reset after DATA");
                    }
                    case NOT_SENT -> throw new MailSendException(MailSendException.Kind.NOT_SENT,
                            "injected: connection refused");
                    case REJECTED -> throw new MailSendException(MailSendException.Kind.REJECTED,
                            "injected: 554 5.7.1 message refused");
                    case RECIPIENT_REJECTED -> throw new MailSendException(MailSendException.Kind.REJECTED, true,
                            "injected: 550 5.1.1 <" + mail.to() + "> unknown user", null);
                };
            } finally {
                record.add(new Call(n, mail, start, System.nanoTime()));
            }
        };
    }

    public int calls() {
        return calls.get();
    }

    public record Call(int number, OutgoingMail mail, long startNanos, long endNanos) {
    }
}
