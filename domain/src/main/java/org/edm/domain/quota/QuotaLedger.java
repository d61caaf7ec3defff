package org.edm.domain.quota;

import org.edm.domain.alert.AlertKinds;
import org.edm.domain.alert.Alerts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Map;

/**
 * The one way a user's quota changes (INV-1). Each change is ONE SQL statement: a conditional
 * {@code UPDATE users ... WHERE quota_balance + delta >= 0 RETURNING quota_balance} and the ledger row that records it
 * as data-modifying CTEs of that statement (a crossing of the low-quota threshold then raises or resolves the
 * QUOTA_LOW alert through {@link Alerts}, in the caller's transaction if there is one). So:
 * <ul>
 *   <li>balance and ledger cannot drift apart, in or outside a caller's transaction;</li>
 *   <li>concurrent changes of one user serialise on the user's row lock, and PostgreSQL re-checks the
 *       {@code >= 0} condition against the committed balance of the one before (READ COMMITTED re-evaluates the
 *       WHERE of a row it waited for), so two debits can never both spend the last unit;</li>
 *   <li>an over-draw matches no row and writes nothing: {@link QuotaShortfallException}.</li>
 * </ul>
 * No Redis, no advisory lock: the database that holds the balance is the only place that can decide it.
 */
@Repository
public class QuotaLedger {

    /** Ledger reasons (user_quota_ledger.reason). */
    public static final String ADMIN_ADJUST = "ADMIN_ADJUST";
    public static final String TASK_RESERVE = "TASK_RESERVE";
    public static final String TASK_REPLAN = "TASK_REPLAN";
    public static final String TASK_RELEASE = "TASK_RELEASE";
    public static final String TASK_RECONCILE = "TASK_RECONCILE";
    public static final String PAUSE_REFUND = "PAUSE_REFUND";
    public static final String RESUME_RESERVE = "RESUME_RESERVE";
    public static final String CANCEL_REFUND = "CANCEL_REFUND";
    public static final String RETRY_RESERVE = "RETRY_RESERVE";
    public static final String RELEASE_REFUND = "RELEASE_REFUND";
    public static final String SKIP_REFUND = "SKIP_REFUND";
    public static final String FINISH_REFUND = "FINISH_REFUND";
    /** The free units a self-registered developer starts with (seed 004 flow 1, step 2). */
    public static final String SIGN_UP_GRANT = "SIGN_UP_GRANT";
    /** One unit per API message (POST /api/v1/send), taken when it is handed to the provider. */
    public static final String API_SEND = "API_SEND";
    /** An API message's unit given back: the provider certainly did not take it (it will be tried again). */
    public static final String API_SEND_REFUND = "API_SEND_REFUND";

    public static final String LOW_QUOTA_ALERT = AlertKinds.QUOTA_LOW;
    static final long DEFAULT_LOW_THRESHOLD = 100;

    private final NamedParameterJdbcTemplate jdbc;
    private final long lowThreshold;
    private final Alerts alerts;

    @Autowired
    public QuotaLedger(NamedParameterJdbcTemplate jdbc,
                       @Value("${edm.quota.low-threshold:" + DEFAULT_LOW_THRESHOLD + "}") long lowThreshold,
                       Alerts alerts) {
        this.jdbc = jdbc;
        this.lowThreshold = lowThreshold;
        this.alerts = alerts;
    }

    public QuotaLedger(NamedParameterJdbcTemplate jdbc, long lowThreshold) {
        this(jdbc, lowThreshold, new Alerts(jdbc));
    }

    public QuotaLedger(NamedParameterJdbcTemplate jdbc) {
        this(jdbc, DEFAULT_LOW_THRESHOLD);
    }

    public long lowThreshold() {
        return lowThreshold;
    }

    /**
     * Adds {@code delta} (negative: a debit) to the user's balance with its ledger row; returns the balance after.
     * A zero delta writes nothing. {@code actorId} is the person who caused it, null for the system.
     *
     * @throws QuotaShortfallException when a debit would take the balance below zero (nothing written)
     * @throws IllegalArgumentException when the user does not exist
     */
    public long change(long userId, long delta, String reason, String reference, Long actorId, String note) {
        if (delta == 0) {
            return balance(userId);
        }
        List<Map<String, Object>> after = jdbc.queryForList("""
                WITH changed AS (
                    UPDATE users SET quota_balance = quota_balance + :delta, updated_at = now()
                     WHERE id = :userId AND quota_balance + :delta >= 0
                 RETURNING id, quota_balance
                ), entry AS (
                    INSERT INTO user_quota_ledger (user_id, delta, reason, reference, balance_after, actor_id, note)
                    SELECT id, :delta, :reason, :reference, quota_balance, :actorId, :note FROM changed
                    RETURNING balance_after
                )
                SELECT balance_after FROM entry
                """, new MapSqlParameterSource()
                .addValue("delta", delta)
                .addValue("userId", userId)
                .addValue("reason", reason)
                .addValue("reference", reference)
                .addValue("actorId", actorId)
                .addValue("note", note));
        if (after.isEmpty()) {
            throw new QuotaShortfallException(userId, -delta, balance(userId));
        }
        long balance = ((Number) after.get(0).get("balance_after")).longValue();
        long before = balance - delta;
        // once per crossing: raised when a debit takes the balance below the threshold, resolved when it is back up
        if (delta < 0 && balance < lowThreshold && before >= lowThreshold) {
            alerts.raise(new Alerts.Raise(LOW_QUOTA_ALERT, AlertKinds.WARNING, "user:" + userId, userId, null,
                    // no username: a self-registered developer's is their e-mail address, and alerts are mailed out
                    "quota of user " + userId + " is down to " + balance
                            + ", below the low-quota threshold " + lowThreshold,
                    Map.of("user_id", userId, "balance", balance, "threshold", lowThreshold)));
        } else if (delta > 0 && balance >= lowThreshold && before < lowThreshold) {
            alerts.resolve(LOW_QUOTA_ALERT, "user:" + userId);
        }
        return balance;
    }

    /** {@link #change} with a debit of {@code amount} (≥ 0). */
    public long debit(long userId, long amount, String reason, String reference, Long actorId, String note) {
        return change(userId, -amount, reason, reference, actorId, note);
    }

    /** {@link #change} with a credit of {@code amount} (≥ 0). */
    public long credit(long userId, long amount, String reason, String reference, Long actorId, String note) {
        return change(userId, amount, reason, reference, actorId, note);
    }

    public long balance(long userId) {
        List<Long> balance = jdbc.queryForList("SELECT quota_balance FROM users WHERE id = :id",
                Map.of("id", userId), Long.class);
        if (balance.isEmpty()) {
            throw new IllegalArgumentException("user " + userId + " does not exist");
        }
        return balance.get(0);
    }

    /**
     * Fails with {@link QuotaShortfallException} unless the balance covers {@code needed}; writes nothing. With
     * {@code lock}, the user's row stays locked until the caller's transaction ends, so debits made next in that
     * transaction cannot fail for a change that came in between.
     */
    public void require(long userId, long needed, boolean lock) {
        List<Long> balance = jdbc.queryForList("SELECT quota_balance FROM users WHERE id = :id"
                + (lock ? " FOR UPDATE" : ""), Map.of("id", userId), Long.class);
        if (balance.isEmpty()) {
            throw new IllegalArgumentException("user " + userId + " does not exist");
        }
        if (balance.get(0) < needed) {
            throw new QuotaShortfallException(userId, needed, balance.get(0));
        }
    }
}
