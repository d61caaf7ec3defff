package org.edm.api.quota;

import org.edm.api.quota.QuotaViews.AdjustmentRequest;
import org.edm.api.quota.QuotaViews.LedgerEntry;
import org.edm.api.quota.QuotaViews.QuotaView;
import org.edm.api.security.CurrentUser;
import org.edm.api.support.ConflictException;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.edm.api.support.PageView;
import org.edm.api.temporal.TemporalGateway;
import org.edm.domain.quota.QuotaLedger;
import org.edm.domain.quota.QuotaShortfallException;
import org.edm.domain.task.PauseReason;
import org.edm.domain.task.PendingQueue;
import org.edm.domain.task.TaskStatus;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.task.TaskWorkflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Map;

/**
 * F23: a user's quota, its ledger, and an admin's adjustments. Every change goes through {@link QuotaLedger}, which
 * writes the ledger row in the same statement as the balance, so the ledger is the quota's history (actor, time,
 * delta, balance after) and balance = sum(ledger) always (INV-1).
 */
@Service
class QuotaAccounts {

    private static final Logger log = LoggerFactory.getLogger(QuotaAccounts.class);

    private final NamedParameterJdbcTemplate jdbc;
    private final QuotaLedger ledger;
    private final CurrentUser currentUser;
    private final TransactionTemplate tx;
    private final TransactionTemplate readTx;
    private final TemporalGateway temporal;

    QuotaAccounts(NamedParameterJdbcTemplate jdbc, QuotaLedger ledger, CurrentUser currentUser,
                  PlatformTransactionManager transactionManager, TemporalGateway temporal) {
        this.temporal = temporal;
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.currentUser = currentUser;
        this.tx = new TransactionTemplate(transactionManager);
        this.readTx = new TransactionTemplate(transactionManager);
        this.readTx.setReadOnly(true);
    }

    /** ADMIN_ADJUST by the signed-in admin; 409 naming the balance if the result would be negative. */
    QuotaView adjust(long userId, AdjustmentRequest request) {
        currentUser.requireAdmin();
        if (request.delta() == 0) {
            throw new InvalidInputException("delta", "must not be 0");
        }
        QuotaView after = tx.execute(status -> {
            requireUser(userId);
            try {
                ledger.change(userId, request.delta(), QuotaLedger.ADMIN_ADJUST, null, currentUser.id(),
                        request.note().trim());
            } catch (QuotaShortfallException e) {
                throw new ConflictException("user " + userId + " has a balance of " + e.balance()
                        + "; an adjustment of " + request.delta() + " would take it below zero");
            }
            return view(userId);
        });
        if (request.delta() > 0) {
            wakeTasksWaitingForQuota(userId);
        }
        return after;
    }

    /**
     * Tasks of the user paused for want of quota look again now (signal {@code quotaGranted}) rather than at their
     * next recheck (up to 30 minutes). Best effort: the grant is committed either way, and the recheck still comes.
     */
    private void wakeTasksWaitingForQuota(long userId) {
        List<Long> waiting = jdbc.queryForList("""
                SELECT id FROM tasks WHERE owner_id = :user AND status = %s AND pause_reason = :reason
                """.formatted(TaskStatus.PAUSED.sql()),
                Map.of("user", userId, "reason", PauseReason.NO_USER_QUOTA.text()), Long.class);
        for (long taskId : waiting) {
            try {
                temporal.signal(TaskWorkflow.class, WorkflowIds.task(taskId), TaskWorkflow::quotaGranted);
            } catch (RuntimeException e) {
                log.info("task-{} not told about the quota granted ({}); its next recheck will see it", taskId,
                        e.toString());
            }
        }
    }

    QuotaView quotaOf(long userId) {
        currentUser.requireAdmin();
        return readTx.execute(status -> {
            requireUser(userId);
            return view(userId);
        });
    }

    QuotaView myQuota() {
        return readTx.execute(status -> {
            requireUser(currentUser.id());
            return view(currentUser.id());
        });
    }

    PageView<LedgerEntry> ledgerOf(long userId, int page, int size) {
        currentUser.requireAdmin();
        return readTx.execute(status -> {
            requireUser(userId);
            return ledger(userId, page, size);
        });
    }

    PageView<LedgerEntry> myLedger(int page, int size) {
        return readTx.execute(status -> ledger(currentUser.id(), page, size));
    }

    private void requireUser(long userId) {
        if (jdbc.queryForList("SELECT 1 FROM users WHERE id = :id", Map.of("id", userId), Integer.class).isEmpty()) {
            throw NotFoundException.of("user", userId);
        }
    }

    private QuotaView view(long userId) {
        Map<String, Object> row = jdbc.queryForMap("""
                SELECT u.quota_balance,
                       (SELECT coalesce(sum(t.quota_reserved), 0) FROM tasks t
                         WHERE t.owner_id = u.id AND t.status IN %s) AS unstarted,
                       (SELECT count(*) FROM tasks t JOIN deliveries d ON %s AND d.claim_token IS NULL
                         WHERE t.owner_id = u.id
                           AND (t.status = %s OR (t.status = %s AND t.pause_reason IN (:holding))))
                           AS running
                  FROM users u WHERE u.id = :id
                """.formatted(TaskStatus.sql(TaskStatus.NOT_STARTED), PendingQueue.fromPosition("d", "t.id"),
                        TaskStatus.SENDING.sql(), TaskStatus.PAUSED.sql()),
                new MapSqlParameterSource("id", userId).addValue("holding", PauseReason.holdingQuotaTexts()));
        long balance = ((Number) row.get("quota_balance")).longValue();
        return new QuotaView(userId, balance, ((Number) row.get("unstarted")).longValue(),
                ((Number) row.get("running")).longValue(), ledger.lowThreshold(), balance < ledger.lowThreshold());
    }

    private PageView<LedgerEntry> ledger(long userId, int page, int size) {
        List<LedgerEntry> items = jdbc.query("""
                SELECT id, delta, reason, reference, balance_after, actor_id, note, created_at
                  FROM user_quota_ledger WHERE user_id = :id
                 ORDER BY id DESC LIMIT :size OFFSET :offset
                """, new MapSqlParameterSource("id", userId).addValue("size", size)
                .addValue("offset", (long) page * size), (rs, i) -> new LedgerEntry(rs.getLong("id"),
                rs.getLong("delta"), rs.getString("reason"), rs.getString("reference"), rs.getLong("balance_after"),
                (Long) rs.getObject("actor_id", Long.class), rs.getString("note"),
                rs.getTimestamp("created_at").toInstant()));
        Long total = jdbc.queryForObject("SELECT count(*) FROM user_quota_ledger WHERE user_id = :id",
                Map.of("id", userId), Long.class);
        return PageView.of(new PageImpl<>(items, PageRequest.of(page, size), total == null ? 0 : total), e -> e);
    }
}
