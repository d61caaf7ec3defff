package org.edm.activities.delivery;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Heartbeats a send batch from its own thread, every few seconds, for as long as the batch runs. A single SMTP
 * exchange may legitimately take longer than the heartbeat timeout (slow content scanning after DATA); beating
 * only between sends would then get a healthy batch timed out and retried beside itself. The heartbeat means
 * "this worker is alive"; progress rides along for the Web UI.
 *
 * <p>Cancellation and "the server gave up on this attempt" arrive as the heartbeat's exception; the send loops
 * pick it up with {@link #check()} between sends.
 */
public final class Heartbeat implements AutoCloseable {

    private static final Duration MAX_INTERVAL = Duration.ofSeconds(5);

    private final ActivityExecutionContext context;
    private final ScheduledExecutorService timer;
    private final AtomicInteger progress = new AtomicInteger();
    private volatile ActivityCompletionException stopped;

    public Heartbeat(ActivityExecutionContext context) {
        this.context = context;
        Duration timeout = context.getInfo().getHeartbeatTimeout();
        Duration interval = timeout == null || timeout.isZero() || timeout.dividedBy(3).compareTo(MAX_INTERVAL) > 0
                ? MAX_INTERVAL : timeout.dividedBy(3);
        long millis = Math.max(100, interval.toMillis());
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "edm-send-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::beat, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void beat() {
        if (stopped != null) {
            return;
        }
        try {
            context.heartbeat(progress.get());
        } catch (ActivityCompletionException e) {
            stopped = e;
        } catch (RuntimeException e) {
            // a failed heartbeat RPC is retried on the next beat; the server's timeout is the judge
        }
    }

    /** One more delivery settled. */
    public void progressed() {
        progress.incrementAndGet();
    }

    /** {@code n} more deliveries settled. */
    public void progressed(int n) {
        progress.addAndGet(n);
    }

    /** Throws when Temporal no longer wants this attempt to go on. */
    public void check() {
        ActivityCompletionException e = stopped;
        if (e != null) {
            throw e;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
