package org.edm.activities.testing;

import org.edm.domain.crypto.SecretBox;
import org.springframework.jdbc.core.JdbcTemplate;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Rows the send path reads, written straight into a test database. */
public final class Fixtures {

    private final JdbcTemplate jdbc;
    private final SecretBox secrets;
    private int counter;

    public Fixtures(JdbcTemplate jdbc, SecretBox secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
    }

    public JdbcTemplate jdbc() {
        return jdbc;
    }

    /** A user with a quota of 1,000,000 (granted through the ledger, so balance = sum(ledger) holds). */
    public long user(String username) {
        return user(username, 1_000_000);
    }

    public long user(String username, long quota) {
        long id = jdbc.queryForObject("INSERT INTO users (username) VALUES (?) RETURNING id", Long.class, username);
        if (quota > 0) {
            grantQuota(id, quota);
        }
        return id;
    }

    /** An admin's quota adjustment, as the api's endpoint writes it. */
    public void grantQuota(long userId, long amount) {
        jdbc.queryForObject("""
                WITH changed AS (UPDATE users SET quota_balance = quota_balance + ? WHERE id = ? RETURNING id, quota_balance)
                INSERT INTO user_quota_ledger (user_id, delta, reason, balance_after, note)
                SELECT id, ?, 'ADMIN_ADJUST', quota_balance, 'test fixture' FROM changed RETURNING id
                """, Long.class, amount, userId, amount);
    }

    public long quotaBalance(long userId) {
        return jdbc.queryForObject("SELECT quota_balance FROM users WHERE id = ?", Long.class, userId);
    }

    public long contact(long ownerId, String email, String nickname, String... tags) {
        return jdbc.queryForObject("""
                INSERT INTO contacts (owner_id, email, nickname, tags) VALUES (?, ?, ?, ?::text[]) RETURNING id
                """, Long.class, ownerId, email, nickname, "{" + String.join(",", tags) + "}");
    }

    /** {@code count} contacts named {@code prefix-i@example.test}, nickname {@code Nick i}. */
    public List<Long> contacts(long ownerId, String prefix, int count, String... tags) {
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            ids.add(contact(ownerId, prefix + "-" + i + "@example.test", "Nick " + i, tags));
        }
        return ids;
    }

    public void suppress(long ownerId, String email) {
        jdbc.update("""
                INSERT INTO suppressions (owner_id, email_hash, reason)
                VALUES (?, sha256(convert_to(lower(?), 'UTF8')), 'UNSUBSCRIBED')
                """, ownerId, email);
    }

    public long template(long ownerId, String subject, String body) {
        return jdbc.queryForObject("""
                INSERT INTO templates (owner_id, name, subject, body_html) VALUES (?, ?, ?, ?) RETURNING id
                """, Long.class, ownerId, "template " + (++counter), subject, body);
    }

    public long templateSet(long ownerId, long... templateIds) {
        long setId = jdbc.queryForObject("INSERT INTO template_sets (owner_id, name) VALUES (?, ?) RETURNING id",
                Long.class, ownerId, "set " + (++counter));
        for (int i = 0; i < templateIds.length; i++) {
            jdbc.update("INSERT INTO template_set_items (template_set_id, template_id, position) VALUES (?, ?, ?)",
                    setId, templateIds[i], i);
        }
        return setId;
    }

    public long campaign(long ownerId, String name) {
        return jdbc.queryForObject("""
                INSERT INTO campaigns (owner_id, name, start_time) VALUES (?, ?, now()) RETURNING id
                """, Long.class, ownerId, name);
    }

    public long task(long campaignId, long ownerId, int seq, Instant planTime, String recipientRuleJson,
                     long templateSetId, String senderName) {
        return jdbc.queryForObject("""
                INSERT INTO tasks (campaign_id, owner_id, seq, name, plan_time, recipient_rule, template_set_id,
                                   sender_name)
                VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?) RETURNING id
                """, Long.class, campaignId, ownerId, seq, "task " + seq, Timestamp.from(planTime),
                recipientRuleJson, templateSetId, senderName);
    }

    public long task(long campaignId, long ownerId, String recipientRuleJson, long templateSetId) {
        return task(campaignId, ownerId, ++counter, Instant.now(), recipientRuleJson, templateSetId, "news");
    }

    /** An SMTP service on 127.0.0.1:{@code port}, password sealed the way the api stores it. */
    public long smtpService(String domain, int port, int dailyQuota, double throttleSeconds, String username,
                            String password) {
        String settings = "{\"host\":\"127.0.0.1\",\"port\":" + port
                + (username == null ? "" : ",\"username\":\"" + username + "\"") + ",\"tls\":false}";
        byte[] secret = password == null ? null : secrets.seal("{\"password\":\"" + password + "\"}");
        return jdbc.queryForObject("""
                INSERT INTO sender_services (name, provider, domain, settings, secret_ciphertext, secret_key_version,
                                             daily_quota, throttle_seconds)
                VALUES (?, 'SMTP', ?, ?::jsonb, ?, 1, ?, ?) RETURNING id
                """, Long.class, "smtp " + domain, domain, settings, secret, dailyQuota,
                BigDecimal.valueOf(throttleSeconds));
    }

    public void grant(long userId, long serviceId) {
        jdbc.update("INSERT INTO user_sender_service_access (user_id, sender_service_id) VALUES (?, ?)",
                userId, serviceId);
    }

    public String taskStatus(long taskId) {
        return jdbc.queryForObject("SELECT status FROM tasks WHERE id = ?", String.class, taskId);
    }

    public java.util.Map<String, Long> deliveryStatuses(long taskId) {
        java.util.Map<String, Long> result = new java.util.TreeMap<>();
        jdbc.query("SELECT status, count(*) FROM deliveries WHERE task_id = ? GROUP BY status",
                rs -> {
                    result.put(rs.getString(1), rs.getLong(2));
                }, taskId);
        return result;
    }
}
