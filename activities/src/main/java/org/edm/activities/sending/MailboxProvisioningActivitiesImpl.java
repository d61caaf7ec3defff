package org.edm.activities.sending;

import io.temporal.failure.ApplicationFailure;
import org.edm.activities.provider.aliyun.AliyunDmAdmin;
import org.edm.activities.provider.aliyun.AliyunDmAdmin.DirectMailException;
import org.edm.domain.crypto.SecretBox;
import org.edm.workflows.sending.MailboxFailure;
import org.edm.workflows.sending.MailboxProvisioningActivities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Provisions sender mailboxes in the platform's Aliyun DirectMail account (seed 004 step 10): creates the address
 * (on a domain its verification workflow registered there), sets a fresh SMTP password generated here, and stores it sealed by SecretBox (INV-6). The
 * password lives only in this method's memory, the request to DirectMail and the sealed column: it is not
 * returned, logged or put in a workflow payload, and the SMTP username is the address itself (DirectMail's rule).
 *
 * <p>Failure messages are what the mailbox's owner reads as {@code failure_reason}, so they say what to do.
 */
@Component("mailboxProvisioningActivities")
public class MailboxProvisioningActivitiesImpl implements MailboxProvisioningActivities {

    private static final Logger log = LoggerFactory.getLogger(MailboxProvisioningActivitiesImpl.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** No look-alikes (0/O, 1/l/I): the password is never typed, but support staff may read one aloud. */
    private static final String UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private static final String LOWER = "abcdefghijkmnopqrstuvwxyz";
    private static final String DIGITS = "23456789";
    static final int PASSWORD_LENGTH = 20;

    private final NamedParameterJdbcTemplate jdbc;
    private final SecretBox secrets;
    private final AliyunDmAccountProperties account;

    public MailboxProvisioningActivitiesImpl(NamedParameterJdbcTemplate jdbc, SecretBox secrets,
                                             AliyunDmAccountProperties account) {
        this.jdbc = jdbc;
        this.secrets = secrets;
        this.account = account;
    }

    private record Mailbox(String address, String status, String domain) {
    }

    @Override
    public void provisionMailbox(long mailboxId) {
        List<Mailbox> found = jdbc.query("""
                SELECT m.address, m.status, d.name FROM sender_mailboxes m JOIN sending_domains d ON d.id = m.domain_id
                 WHERE m.id = :id""", Map.of("id", mailboxId),
                (rs, i) -> new Mailbox(rs.getString(1), rs.getString(2), rs.getString(3)));
        if (found.isEmpty() || !"PROVISIONING".equals(found.get(0).status())) {
            return; // deleted meanwhile, or a retry after the work was done
        }
        Mailbox mailbox = found.get(0);
        if (!account.configured()) {
            throw ApplicationFailure.newNonRetryableFailure("this installation has no Aliyun DirectMail account "
                    + "configured (EDM_ALIYUN_DM_ACCESS_KEY_ID / EDM_ALIYUN_DM_ACCESS_KEY_SECRET); ask its operator to "
                    + "set it up, then delete the mailbox and add it again", "ProviderNotConfigured");
        }
        try (AliyunDmAdmin dm = new AliyunDmAdmin(account.region(), account.accessKeyId(), account.accessKeySecret(),
                account.endpoint())) {
            // the domain is registered at DirectMail by its verification workflow (domain-{id}), which verifies it
            // only once DirectMail does too; a mailbox is only added on a VERIFIED domain
            dm.createMailAddress(mailbox.address());
            String providerId = dm.findMailAddressId(mailbox.address()).orElseThrow(() ->
                    ApplicationFailure.newFailure("Aliyun DirectMail created the address but does not list it yet; "
                            + "retrying", "ProviderInconsistent"));
            String password = newPassword();
            dm.setSmtpPassword(providerId, password);
            byte[] sealed = secrets.seal(password);
            int updated = jdbc.update("""
                    UPDATE sender_mailboxes
                       SET status = 'NORMAL', smtp_username = address, secret_ciphertext = :sealed,
                           secret_key_version = :version, provider_mailbox_id = :providerId, failure_reason = NULL,
                           updated_at = now()
                     WHERE id = :id AND status = 'PROVISIONING'""", new MapSqlParameterSource("id", mailboxId)
                    .addValue("sealed", sealed).addValue("version", secrets.currentVersion())
                    .addValue("providerId", providerId));
            log.info("sender mailbox {} provisioned at Aliyun DirectMail{}", mailboxId,
                    updated == 1 ? "" : " (the mailbox was deleted meanwhile)");
        } catch (DirectMailException e) {
            throw failure(e);
        }
    }

    /** A refusal a retry cannot change is final; busy, unreachable and 5xx are retried by the workflow. */
    private static ApplicationFailure failure(DirectMailException e) {
        if (e.transientFailure()) {
            return ApplicationFailure.newFailure(e.getMessage() + "; try again later", "ProviderUnavailable");
        }
        String code = String.valueOf(e.code()).toLowerCase(Locale.ROOT);
        String advice;
        if (code.contains("accesskey") || code.contains("signature") || code.startsWith("forbidden")
                || code.contains("nopermission")) {
            advice = "the platform's Aliyun DirectMail account was refused; its operator must check the AccessKey "
                    + "(EDM_ALIYUN_DM_ACCESS_KEY_ID / _SECRET) and its DirectMail permissions";
        } else if (code.contains("mailaddress") || code.contains("accountname")) {
            advice = "DirectMail does not accept this address; delete the mailbox and choose another local part";
        } else if (code.contains("domain")) {
            advice = "DirectMail does not accept this domain; check its DNS records, then delete the mailbox and add "
                    + "it again";
        } else {
            advice = "delete the mailbox and add it again; if it keeps failing, contact support";
        }
        return ApplicationFailure.newNonRetryableFailure(e.getMessage() + ": " + advice, "ProviderRefused");
    }

    @Override
    public void recordProvisioningFailure(MailboxFailure failure) {
        String reason = failure.reason() == null ? "provisioning failed" : failure.reason();
        jdbc.update("""
                UPDATE sender_mailboxes SET status = 'FAILED', failure_reason = :reason, updated_at = now()
                 WHERE id = :id AND status = 'PROVISIONING'""", new MapSqlParameterSource("id", failure.mailboxId())
                .addValue("reason", reason.length() > 1000 ? reason.substring(0, 1000) : reason));
        log.info("sender mailbox {} FAILED: {}", failure.mailboxId(), reason);
    }

    /** 20 characters with upper and lower case letters and digits, as DirectMail requires of SMTP passwords. */
    static String newPassword() {
        String all = UPPER + LOWER + DIGITS;
        char[] password = new char[PASSWORD_LENGTH];
        password[0] = UPPER.charAt(RANDOM.nextInt(UPPER.length()));
        password[1] = LOWER.charAt(RANDOM.nextInt(LOWER.length()));
        password[2] = DIGITS.charAt(RANDOM.nextInt(DIGITS.length()));
        for (int i = 3; i < password.length; i++) {
            password[i] = all.charAt(RANDOM.nextInt(all.length()));
        }
        for (int i = password.length - 1; i > 0; i--) { // the three required kinds are not always in front
            int j = RANDOM.nextInt(i + 1);
            char c = password[i];
            password[i] = password[j];
            password[j] = c;
        }
        return new String(password);
    }
}
