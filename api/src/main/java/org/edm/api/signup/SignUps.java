package org.edm.api.signup;

import org.edm.api.security.Passwords;
import org.edm.api.audit.AuditActor;
import org.edm.api.support.FieldProblem;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.edm.api.support.TooManySignUpsException;
import org.edm.domain.quota.QuotaLedger;
import org.edm.domain.user.EmailVerification;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Self sign-up of developers (seed 004 flow 1, steps 1-3):
 * <ul>
 * <li>a new address becomes an OPERATOR in {@code PENDING_VERIFICATION} (username = the address) with
 *     {@code edm.sign-up.free-units} credited through the quota ledger, and {@code sign-up-{id}} is started to mail
 *     the verification link — all in one transaction, so a failed workflow start leaves nothing behind (503);</li>
 * <li>an address that is already registered gets exactly the same 202 answer and nothing is written; the password is
 *     hashed either way, so the timing hardly differs (only the workflow start is skipped). An address still
 *     waiting for verification takes the new password and gets a new link instead (earlier links die);</li>
 * <li>requests are throttled per address and per client address ({@code sign_up_attempts}), the same for known and
 *     unknown addresses, so the throttle tells nothing either.</li>
 * </ul>
 * Signing in is refused until the link has been followed ({@link org.edm.api.security.SignIn}).
 */
@Service
@EnableConfigurationProperties(SignUpSettings.class)
class SignUps {

    private final JdbcTemplate jdbc;
    private final Passwords passwords;
    private final QuotaLedger ledger;
    private final SignUpRuns runs;
    private final SignUpSettings settings;
    private final EmailVerification verification;
    private final TransactionTemplate tx;

    SignUps(JdbcTemplate jdbc, Passwords passwords, QuotaLedger ledger, SignUpRuns runs, SignUpSettings settings,
            EmailVerification verification, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.passwords = passwords;
        this.ledger = ledger;
        this.runs = runs;
        this.settings = settings;
        this.verification = verification;
        this.tx = new TransactionTemplate(transactionManager);
    }

    Duration linkLifetime() {
        return verification.lifetime();
    }

    void signUp(String email, String password, String clientIp) {
        requireEnabled();
        String address = checkedAddress(email);
        List<FieldProblem> problems = new ArrayList<>();
        Passwords.problem(password).ifPresent(problem -> problems.add(new FieldProblem("password", problem)));
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        throttle("SIGN_UP", address, clientIp);
        String hash = passwords.hash(password); // for a known address too: the same work, the same time
        tx.executeWithoutResult(status -> {
            List<Long> created = jdbc.queryForList("""
                    INSERT INTO users (username, email, password_hash, role, status, signed_up_at)
                    VALUES (?, ?, ?, 'OPERATOR', 'PENDING_VERIFICATION', now())
                    ON CONFLICT DO NOTHING RETURNING id
                    """, Long.class, address, address, hash);
            if (created.isEmpty()) {
                // still waiting for verification: the newest sign-up's password counts, a new link goes out and the
                // earlier links die (they are signed for the old password), so whoever squatted the address first
                // cannot get the owner to activate it with the squatter's password
                List<Long> pending = jdbc.queryForList("""
                        UPDATE users SET password_hash = ?, updated_at = now()
                         WHERE lower(email) = ? AND lower(username) = ? AND status = 'PENDING_VERIFICATION' AND enabled
                        RETURNING id
                        """, Long.class, hash, address, address);
                if (!pending.isEmpty()) {
                    AuditActor.actedFor(pending.get(0));
                    runs.start(pending.get(0));
                }
                return; // an active account: same answer, nothing written
            }
            long userId = created.get(0);
            AuditActor.actedFor(userId);
            ledger.credit(userId, settings.freeUnits(), QuotaLedger.SIGN_UP_GRANT, "sign-up", null,
                    "free units of a new sign-up");
            // last, inside the transaction: if Temporal is unreachable the user and the grant roll back
            runs.start(userId);
        });
    }

    /** Mails a fresh link to an account still waiting for verification; the same answer for any other address. */
    void resend(String email, String clientIp) {
        requireEnabled();
        String address = checkedAddress(email);
        throttle("RESEND", address, clientIp);
        List<Long> pending = jdbc.queryForList("SELECT id FROM users WHERE lower(email) = ? "
                + "AND status = 'PENDING_VERIFICATION' AND enabled", Long.class, address);
        if (!pending.isEmpty()) {
            AuditActor.actedFor(pending.get(0));
            runs.start(pending.get(0));
        }
    }

    /** Follows a verification link; works even when sign-up has been switched off since the link was sent. */
    EmailVerification.Verified verify(String token) {
        return verification.verify(token, Instant.now());
    }

    String usernameOf(long userId) {
        return jdbc.queryForObject("SELECT username FROM users WHERE id = ?", String.class, userId);
    }

    private void requireEnabled() {
        if (!settings.enabled()) {
            throw new NotFoundException("sign-up is switched off on this installation; ask an admin for an account");
        }
    }

    /** Lower-cased and trimmed: addresses are unique ignoring case, and the throttle must count them as one. */
    private static String checkedAddress(String email) {
        String address = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        if (!org.edm.api.support.Addresses.isEmail(address)) {
            throw new InvalidInputException("email", "must be a valid e-mail address");
        }
        if (address.length() > 100) {
            throw new InvalidInputException("email", "must be at most 100 characters (it becomes the username)");
        }
        return address;
    }

    /**
     * Refuses (429) when the address or the client address made too many requests within the window, until the
     * oldest of them leaves it; otherwise records this request. All times are the database's clock.
     */
    private void throttle(String kind, String address, String clientIp) {
        String ip = clientIp == null ? "unknown" : clientIp;
        Double emailWait = waitSeconds("email", address, settings.maxPerEmail());
        if (emailWait != null) {
            throw new TooManySignUpsException("too many sign-up requests for this e-mail address; try again later",
                    Duration.ofMillis((long) (emailWait * 1000)));
        }
        Double addressWait = waitSeconds("client_ip", ip, settings.maxPerAddress());
        if (addressWait != null) {
            throw new TooManySignUpsException("too many sign-up requests from your address; try again later",
                    Duration.ofMillis((long) (addressWait * 1000)));
        }
        jdbc.update("INSERT INTO sign_up_attempts (kind, email, client_ip) VALUES (?, ?, ?)", kind, address, ip);
        jdbc.update("DELETE FROM sign_up_attempts WHERE at < now() - interval '1 day'");
    }

    /** Seconds until the {@code max}-th latest request by {@code column = value} leaves the window, or null. */
    private Double waitSeconds(String column, String value, int max) {
        long window = settings.window().toMillis();
        List<Double> wait = jdbc.queryForList("""
                SELECT extract(epoch FROM at + ? * interval '1 millisecond' - now())::float8
                  FROM sign_up_attempts WHERE %s = ? AND at > now() - ? * interval '1 millisecond'
                 ORDER BY at DESC OFFSET ? LIMIT 1
                """.formatted(column), Double.class, window, value, window, max - 1);
        return wait.isEmpty() ? null : wait.get(0);
    }
}
