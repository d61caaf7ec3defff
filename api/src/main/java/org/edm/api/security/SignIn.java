package org.edm.api.security;

import org.edm.api.support.SignInRefusedException;
import org.edm.api.support.TooManySignInsException;
import jakarta.annotation.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Password sign-in with lockout and throttling (edm.security.*):
 * <ul>
 * <li>a client address with {@code max-failures-per-address} failed sign-ins within {@code address-window} is
 *     refused (429, Retry-After) until the oldest of them leaves the window;</li>
 * <li>{@code max-failed-sign-ins} failures for one username <em>from one client address</em> (with no success
 *     from there between) lock that username for that address only: for {@code lock-duration} after the last of
 *     them, doubling with each further failure from there once a lock has passed, up to {@code max-lock-duration}
 *     (429, Retry-After) — even for the right password. Locking per (username, address) rather than per username
 *     keeps a guesser from locking the owner out: wrong passwords from any number of other addresses never stop
 *     the right one from a clean address. The rule is kept in {@code sign_in_failures}, so an unknown username
 *     locks exactly like a real one, and a wrong password and an unknown username get the same 401: no answer
 *     tells whether a username exists. An unknown username costs a password hash too, so timing does not tell
 *     either.</li>
 * </ul>
 * All times are the database's clock.
 */
@Service
public class SignIn {

    static final String WRONG_CREDENTIALS = "wrong username or password";

    private final JdbcTemplate jdbc;
    private final Passwords passwords;
    private final AuthTokens tokens;
    private final SecuritySettings settings;
    private final String dummyHash;

    SignIn(JdbcTemplate jdbc, Passwords passwords, AuthTokens tokens, SecuritySettings settings) {
        this.jdbc = jdbc;
        this.passwords = passwords;
        this.tokens = tokens;
        this.settings = settings;
        this.dummyHash = passwords.hash(UUID.randomUUID().toString());
    }

    /** What the signed-in user sees of themself. */
    public record UserSummary(long id, String username, @Nullable String email, String role) {
    }

    record Result(AuthTokens.Issued token, UserSummary user) {
    }

    private record Account(long id, String username, String email, String role, boolean enabled, String hash) {
    }

    Result signIn(String username, String password, String clientAddress) {
        String name = username.trim();
        // failures count per IPv4 address or IPv6 /64; the session keeps the full address
        String clientIp = ClientAddress.signInKey(clientAddress);
        refuseIfAddressThrottled(clientIp);
        Double lockedForSeconds = lockedForSeconds(name, clientIp);
        if (lockedForSeconds != null) {
            recordFailure(clientIp, name, false);
            throw new TooManySignInsException("too many failed sign-ins for this username; try again later",
                    Duration.ofMillis((long) (lockedForSeconds * 1000)));
        }
        Account account = jdbc.query("select id, username, email, role, enabled, password_hash from users "
                        + "where lower(username) = lower(?)",
                (rs, i) -> new Account(rs.getLong("id"), rs.getString("username"), rs.getString("email"),
                        rs.getString("role"), rs.getBoolean("enabled"), rs.getString("password_hash")), name)
                .stream().findFirst().orElse(null);
        boolean passwordMatches;
        if (account != null && account.hash() != null) {
            passwordMatches = passwords.matches(password, account.hash());
        } else {
            passwords.matches(password, dummyHash); // the same work as for a real user
            passwordMatches = false;
        }
        if (!passwordMatches) {
            recordFailure(clientIp, name, true);
            throw new SignInRefusedException(WRONG_CREDENTIALS);
        }
        if (!account.enabled()) {
            // only someone who knows the password learns this
            throw new SignInRefusedException("this account is disabled; ask an admin");
        }
        if (awaitsVerification(account.id())) {
            // a self-registered account (seed 004): only someone who knows the password learns this
            throw new SignInRefusedException("verify your e-mail address first: follow the link in the e-mail we "
                    + "sent you (a new one: POST /v1/auth/resend-verification)");
        }
        jdbc.update("update users set last_login_at = now() where id = ?", account.id());
        // Only this address's failures: a success elsewhere must not hand a guessing address a fresh set of tries.
        forgetFailures(account.username(), clientIp);
        if (passwords.needsRehash(account.hash())) {
            jdbc.update("update users set password_hash = ? where id = ?", passwords.hash(password), account.id());
        }
        AuthTokens.Issued token = tokens.issue(account.id(), clientAddress);
        return new Result(token, new UserSummary(account.id(), account.username(), account.email(),
                account.role()));
    }

    private boolean awaitsVerification(long userId) {
        return "PENDING_VERIFICATION".equals(jdbc.queryForObject("select status from users where id = ?",
                String.class, userId));
    }

    /**
     * Earlier failures of this username, from every address, stop counting toward its locks (an admin's unlock or
     * password reset).
     */
    public void forgetFailures(String username) {
        forgetFailures(username, null);
    }

    private void forgetFailures(String username, String clientIp) {
        jdbc.update("update sign_in_failures set counts_for_username = false "
                + "where lower(username) = lower(?) and counts_for_username and (?::text is null or client_ip = ?)",
                username, clientIp, clientIp);
    }

    private void refuseIfAddressThrottled(String clientIp) {
        long window = settings.addressWindow().toMillis();
        List<Double> retry = jdbc.queryForList("""
                select extract(epoch from at + ? * interval '1 millisecond' - now())::float8
                from sign_in_failures where client_ip = ? and at > now() - ? * interval '1 millisecond'
                order by at desc offset ? limit 1
                """, Double.class, window, clientIp, window, settings.maxFailuresPerAddress() - 1);
        if (!retry.isEmpty()) {
            throw new TooManySignInsException("too many failed sign-ins from your address; try again later",
                    Duration.ofMillis((long) (retry.get(0) * 1000)));
        }
    }

    /** When the last sign-in lock of this username (from any address) ends, or null if none holds now. */
    public Instant lockedUntil(String username) {
        Double seconds = lockedForSeconds(username, null);
        return seconds == null ? null : Instant.now().plusMillis((long) (seconds * 1000));
    }

    /**
     * Seconds this username stays locked for this client address (for any address when null), or null if it is
     * not locked. A (username, address) with n >= max counted failures within {@code max-lock-duration} is locked
     * until its last failure + {@code lock-duration} x 2^(n - max), at most {@code max-lock-duration}.
     */
    private Double lockedForSeconds(String username, String clientIp) {
        long lock = settings.lockDuration().toMillis();
        long maxLock = Math.max(lock, settings.maxLockDuration().toMillis());
        int max = settings.maxFailedSignIns();
        return jdbc.queryForObject("""
                select extract(epoch from max(locked_until) - now())::float8
                from (select max(at) + least(? * power(2, least(count(*) - ?, 40)), ?)
                                       * interval '1 millisecond' as locked_until
                      from sign_in_failures
                      where lower(username) = lower(?) and counts_for_username
                        and (?::text is null or client_ip = ?) and at > now() - ? * interval '1 millisecond'
                      group by client_ip
                      having count(*) >= ?) locks
                where locked_until > now()
                """, Double.class, lock, max, maxLock, username, clientIp, clientIp, maxLock, max);
    }

    private void recordFailure(String clientIp, String username, boolean countsForUsername) {
        String name = username.length() > 100 ? username.substring(0, 100) : username;
        jdbc.update("insert into sign_in_failures (client_ip, username, counts_for_username) values (?, ?, ?)",
                clientIp, name, countsForUsername);
        // kept as long as a lock or the address window can still need them, and at least a day
        long keep = Math.max(Duration.ofDays(1).toMillis(), Math.max(settings.maxLockDuration().toMillis(),
                settings.addressWindow().toMillis()));
        jdbc.update("delete from sign_in_failures where at < now() - ? * interval '1 millisecond'", keep);
    }
}
