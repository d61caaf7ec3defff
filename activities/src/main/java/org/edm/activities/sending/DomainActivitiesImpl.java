package org.edm.activities.sending;

import io.temporal.failure.ApplicationFailure;
import org.edm.activities.provider.aliyun.AliyunDmAdmin;
import org.edm.activities.provider.aliyun.AliyunDmAdmin.DirectMailException;
import org.edm.activities.provider.aliyun.AliyunDmAdmin.ProviderDomain;
import org.edm.activities.sending.DnsRecordMatcher.Observation;
import org.edm.domain.alert.AlertKinds;
import org.edm.domain.alert.Alerts;
import org.edm.domain.sending.DnsRecordPurpose;
import org.edm.domain.sending.DnsRecordStatus;
import org.edm.domain.sending.DomainStatus;
import org.edm.workflows.sending.DomainActivities;
import org.edm.workflows.sending.DomainCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The DNS checks of sending domains. Every lookup happens before anything is written, so a resolver that fails half
 * way changes nothing; then the records' observations and the domain's move are written in one transaction, under a
 * lock on the domain row, so a crossing VERIFIED → FAILING raises exactly one alert however checks overlap.
 *
 * <p>With the platform's Aliyun DirectMail account configured, the domain is also registered there (CreateDomain),
 * DirectMail's own records (DescDomain) become extra records to publish, and the domain is VERIFIED only when our
 * DNS check and DirectMail's own check (CheckDomain, then DescDomain's DomainStatus) both pass: real DirectMail lets
 * no address of the domain send before that. DirectMail's verdict per record is stored next to ours, so a refusal
 * shows where the owner looks (GET /v1/domains/{id}) with a sentence saying what to do. Without an account
 * (NOT_CONFIGURED) our DNS check alone decides, as mailboxes cannot be provisioned there anyway.
 */
@Component("domainActivities")
public class DomainActivitiesImpl implements DomainActivities {

    private static final Logger log = LoggerFactory.getLogger(DomainActivitiesImpl.class);

    /** The alert a verified domain whose records broke raises (alerts.kind). */
    public static final String ALERT_KIND = AlertKinds.DOMAIN_DNS_FAILING;

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final DnsLookup dns;
    private final Clock clock;
    private final AliyunDmAccountProperties account;
    private final Alerts alerts;

    public DomainActivitiesImpl(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, DnsLookup dns, Clock clock,
                                AliyunDmAccountProperties account, Alerts alerts) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.dns = dns;
        this.clock = clock;
        this.account = account;
        this.alerts = alerts;
    }

    private record Planned(long id, DnsRecordPurpose purpose, String type, String host, String expected,
                           boolean required) {
    }

    /** The domain's row as far as these checks need it. */
    private record Domain(String name, String registration, String providerDomainId) {
    }

    /**
     * DirectMail's verdict: TRUE verified, FALSE not (yet; {@code reason} says why when it is not in the records'
     * verdicts), null when it could not be asked this time (busy, unreachable), and the domain's status then stays.
     */
    private record ProviderVerdict(Boolean verified, String reason, ProviderDomain described) {
    }

    private Optional<Domain> domain(long domainId) {
        return jdbc.query("""
                SELECT name, provider_registration, provider_domain_id FROM sending_domains WHERE id = :id""",
                Map.of("id", domainId), (rs, i) -> new Domain(rs.getString(1), rs.getString(2), rs.getString(3)))
                .stream().findFirst();
    }

    @Override
    public String registerDomainAtProvider(long domainId) {
        Optional<Domain> domain = domain(domainId);
        if (domain.isEmpty()) {
            return DomainCheck.GONE;
        }
        if (!account.configured()) {
            jdbc.update("""
                    UPDATE sending_domains SET provider_registration = 'NOT_CONFIGURED', provider_reason = NULL
                     WHERE id = :id""", Map.of("id", domainId));
            return "NOT_CONFIGURED";
        }
        try (AliyunDmAdmin dm = admin()) {
            return register(dm, domainId, domain.get().name());
        } catch (DirectMailException e) {
            // busy or unreachable: retried by Temporal, then by the next check; nothing is written meanwhile
            throw ApplicationFailure.newFailure(e.getMessage() + "; trying again later", "ProviderUnavailable");
        }
    }

    private AliyunDmAdmin admin() {
        return new AliyunDmAdmin(account.region(), account.accessKeyId(), account.accessKeySecret(),
                account.endpoint());
    }

    /**
     * CreateDomain (one already there is fine), then DescDomain: DirectMail's records are stored as extra records to
     * publish and the registration is DONE. A refusal is stored as FAILED with a reason; transient trouble throws.
     */
    private String register(AliyunDmAdmin dm, long domainId, String name) {
        ProviderDomain described;
        String providerId;
        try {
            providerId = dm.createDomain(name);
            described = dm.describeDomain(providerId);
        } catch (DirectMailException e) {
            if (e.transientFailure()) {
                throw e;
            }
            String reason = truncate(e.getMessage() + ": " + advice(e));
            jdbc.update("""
                    UPDATE sending_domains SET provider_registration = 'FAILED', provider_reason = :reason,
                           updated_at = now() WHERE id = :id""", Map.of("id", domainId, "reason", reason));
            log.warn("sending domain {}: Aliyun DirectMail refused its registration ({})", domainId, e.code());
            return "FAILED";
        }
        List<ProviderRecords.Row> rows = ProviderRecords.rows(name, described, ourSpf(domainId));
        tx.executeWithoutResult(status -> {
            for (ProviderRecords.Row row : rows) {
                jdbc.update("""
                        INSERT INTO domain_dns_records (domain_id, purpose, type, host, expected_value, required)
                        VALUES (:id, :purpose, :type, :host, :expected, :required)
                        ON CONFLICT (domain_id, purpose) DO UPDATE
                           SET host = EXCLUDED.host, expected_value = EXCLUDED.expected_value,
                               required = EXCLUDED.required""", new MapSqlParameterSource("id", domainId)
                        .addValue("purpose", row.purpose().name()).addValue("type", row.type())
                        .addValue("host", row.host()).addValue("expected", row.expected())
                        .addValue("required", row.required()));
            }
            jdbc.update("""
                    UPDATE sending_domains SET provider_registration = 'DONE', provider_domain_id = :providerId,
                           provider_reason = NULL, updated_at = now() WHERE id = :id""",
                    Map.of("id", domainId, "providerId", providerId));
        });
        log.info("sending domain {} registered at Aliyun DirectMail ({} records of its own)", domainId, rows.size());
        return "DONE";
    }

    private String ourSpf(long domainId) {
        return jdbc.queryForList("""
                SELECT expected_value FROM domain_dns_records WHERE domain_id = :id AND purpose = 'SPF'""",
                Map.of("id", domainId), String.class).stream().findFirst().orElse(null);
    }

    /** What the domain's owner (or, for the AccessKey, the operator) can do about a refusal. */
    private static String advice(DirectMailException e) {
        String code = String.valueOf(e.code()).toLowerCase(Locale.ROOT);
        if (code.contains("accesskey") || code.contains("signature") || code.startsWith("forbidden")
                || code.contains("nopermission")) {
            return "the platform's Aliyun DirectMail account was refused; its operator must check the AccessKey "
                    + "(EDM_ALIYUN_DM_ACCESS_KEY_ID / _SECRET) and its DirectMail permissions; the next check tries "
                    + "again";
        }
        if (code.contains("domain")) {
            return "DirectMail does not accept this domain (it may be registered in another DirectMail account, or "
                    + "be a name DirectMail does not allow); delete it and add a domain or subdomain you own";
        }
        return "the next check (or POST /v1/domains/{id}/verify) tries again; if it keeps failing, contact support";
    }

    @Override
    public DomainCheck checkDomain(long domainId) {
        Optional<Domain> domain = domain(domainId);
        if (domain.isEmpty()) {
            return new DomainCheck(domainId, DomainCheck.GONE, 0, 0);
        }
        boolean provider = account.configured();
        if (!provider && !"NOT_CONFIGURED".equals(domain.get().registration())) {
            registerDomainAtProvider(domainId);
        } else if (provider && !"DONE".equals(domain.get().registration())) {
            // not registered yet (a domain from before, DirectMail busy at the start, or a refusal the operator may
            // have mended meanwhile): try now, so that the records DirectMail asks for are checked below as well
            try (AliyunDmAdmin dm = admin()) {
                register(dm, domainId, domain.get().name());
            } catch (DirectMailException e) {
                log.info("sending domain {}: Aliyun DirectMail not reachable to register it ({})", domainId, e.code());
            }
        }
        domain = domain(domainId);
        if (domain.isEmpty()) {
            return new DomainCheck(domainId, DomainCheck.GONE, 0, 0);
        }
        MapSqlParameterSource p = new MapSqlParameterSource("id", domainId);
        List<Planned> records = jdbc.query("""
                SELECT id, purpose, type, host, expected_value, required FROM domain_dns_records
                 WHERE domain_id = :id ORDER BY id""", p, (rs, i) -> new Planned(rs.getLong(1),
                DnsRecordPurpose.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getBoolean(6)));
        List<Observation> observations = new ArrayList<>();
        try {
            for (Planned record : records) {
                List<String> values = switch (record.type()) {
                    case "TXT" -> dns.txt(record.host());
                    case "MX" -> dns.mx(record.host());
                    default -> dns.cname(record.host());
                };
                observations.add(DnsRecordMatcher.match(record.purpose(), record.expected(), values));
            }
        } catch (DnsLookup.DnsUnavailableException e) {
            // retried by Temporal, then by the next scheduled check; nothing is written meanwhile
            throw ApplicationFailure.newFailure(e.getMessage(), "DnsUnavailable");
        }
        boolean ours = records.stream().anyMatch(Planned::required);
        for (int i = 0; i < records.size(); i++) {
            ours &= !records.get(i).required() || observations.get(i).status() == DnsRecordStatus.MATCHED;
        }
        ProviderVerdict verdict;
        if (!provider) {
            verdict = new ProviderVerdict(true, null, null);
        } else if (!"DONE".equals(domain.get().registration())) {
            verdict = new ProviderVerdict(false, null, null); // the refusal's reason is stored already
        } else if (ours) {
            verdict = askProvider(domain.get().providerDomainId());
        } else {
            // DirectMail is asked once our own check passes: until then it could only say "not yet"
            verdict = new ProviderVerdict(false, null, null);
        }
        String name = domain.get().name();
        boolean oursMatched = ours;
        return tx.execute(status -> record(domainId, name, records, observations, oursMatched, verdict));
    }

    /** CheckDomain (DirectMail looks the records up again), then DescDomain for its verdict. */
    private ProviderVerdict askProvider(String providerDomainId) {
        try (AliyunDmAdmin dm = admin()) {
            dm.checkDomain(providerDomainId);
            ProviderDomain described = dm.describeDomain(providerDomainId);
            return new ProviderVerdict(described.verified(), described.verified() ? null
                    : "Aliyun DirectMail's own check has not passed yet (it can lag behind DNS by some minutes; checked "
                    + "again with the records): see the records whose provider_status is REFUSED", described);
        } catch (DirectMailException e) {
            if (e.transientFailure()) {
                log.info("Aliyun DirectMail could not be asked about its domain {} this time ({})", providerDomainId,
                        e.code());
                return new ProviderVerdict(null, null, null);
            }
            return new ProviderVerdict(false, truncate(e.getMessage() + ": " + advice(e)), null);
        }
    }

    private DomainCheck record(long domainId, String name, List<Planned> records, List<Observation> observations,
                               boolean ours, ProviderVerdict verdict) {
        Timestamp now = Timestamp.from(clock.instant());
        MapSqlParameterSource p = new MapSqlParameterSource("id", domainId).addValue("now", now);
        List<Map<String, Object>> domain = jdbc.queryForList(
                "SELECT status, owner_id FROM sending_domains WHERE id = :id FOR UPDATE", p);
        if (domain.isEmpty()) {
            return new DomainCheck(domainId, DomainCheck.GONE, 0, 0);
        }
        List<String> current = List.of((String) domain.get(0).get("status"));
        long ownerId = ((Number) domain.get(0).get("owner_id")).longValue();
        int required = 0;
        int matched = 0;
        List<String> broken = new ArrayList<>();
        List<DnsRecordPurpose> purposes = records.stream().map(Planned::purpose).toList();
        for (int i = 0; i < records.size(); i++) {
            Planned record = records.get(i);
            Observation seen = observations.get(i);
            jdbc.update("""
                    UPDATE domain_dns_records SET status = :status, observed_value = :observed, checked_at = :now
                     WHERE id = :record""", new MapSqlParameterSource("status", seen.status().name())
                    .addValue("observed", seen.observed()).addValue("now", now).addValue("record", record.id()));
            if (verdict.described() != null) {
                ProviderRecords.Judged judged = ProviderRecords.judge(record.purpose(), record.type(), record.host(),
                        record.expected(), verdict.described(), purposes);
                jdbc.update("""
                        UPDATE domain_dns_records SET provider_status = :status, provider_reason = :reason
                         WHERE id = :record""", new MapSqlParameterSource("record", record.id())
                        .addValue("status", judged == null ? null : judged.status())
                        .addValue("reason", judged == null ? null : judged.reason()));
            }
            if (record.required()) {
                required++;
                if (seen.status() == DnsRecordStatus.MATCHED) {
                    matched++;
                } else {
                    broken.add(record.purpose() + " " + record.type() + " " + record.host() + " is "
                            + seen.status().name().toLowerCase());
                }
            }
        }
        if (ours && Boolean.FALSE.equals(verdict.verified())) {
            broken.add("Aliyun DirectMail's own check of the domain does not pass");
        }
        if (verdict.verified() != null) {
            jdbc.update("""
                    UPDATE sending_domains SET provider_verified = :verified,
                           provider_reason = CASE WHEN provider_registration = 'DONE' THEN :reason
                                                  ELSE provider_reason END
                     WHERE id = :id""", new MapSqlParameterSource("id", domainId)
                    .addValue("verified", ours && verdict.verified()).addValue("reason", ours ? verdict.reason() : null));
        }
        DomainStatus before = DomainStatus.valueOf(current.get(0));
        // DirectMail not reachable this time: a domain that passes our check keeps the status it had
        DomainStatus after = ours && verdict.verified() == null ? before : next(before, ours && verdict.verified());
        p.addValue("status", after.name());
        jdbc.update("""
                UPDATE sending_domains
                   SET status = :status, last_checked_at = :now, updated_at = :now,
                       verified_at = CASE WHEN :status = 'VERIFIED' AND status <> 'VERIFIED' THEN :now ELSE verified_at END
                 WHERE id = :id""", p);
        if (before == DomainStatus.VERIFIED && after == DomainStatus.FAILING) {
            alerts.raise(new Alerts.Raise(ALERT_KIND, AlertKinds.CRITICAL, "domain-" + domainId, ownerId, null,
                    "Sending domain " + name + " no longer passes its DNS checks: " + String.join("; ", broken)
                            + ". Mail from it may be refused until the records are mended (POST /v1/domains/"
                            + domainId + "/verify checks again).", Map.of("domain_id", domainId)));
            log.warn("sending domain {} is FAILING: {}", domainId, broken);
        } else if (before == DomainStatus.FAILING && after == DomainStatus.VERIFIED) {
            alerts.resolve(ALERT_KIND, "domain-" + domainId);
            log.info("sending domain {} passes its DNS checks again", domainId);
        } else if (before != after) {
            log.info("sending domain {}: {} -> {}", domainId, before, after);
        }
        return new DomainCheck(domainId, after.name(), matched, required);
    }

    /** The domain's move after a check: it verifies when all required records match; a verified one can fail. */
    static DomainStatus next(DomainStatus before, boolean allRequiredMatch) {
        return switch (before) {
            case PENDING, EXPIRED -> allRequiredMatch ? DomainStatus.VERIFIED : before;
            case VERIFIED, FAILING -> allRequiredMatch ? DomainStatus.VERIFIED : DomainStatus.FAILING;
        };
    }

    private static String truncate(String value) {
        return value.length() > 1000 ? value.substring(0, 1000) : value;
    }

    @Override
    public void expireDomain(long domainId) {
        int expired = jdbc.update("""
                UPDATE sending_domains SET status = 'EXPIRED', updated_at = now() WHERE id = :id AND status = 'PENDING'
                """, Map.of("id", domainId));
        if (expired == 1) {
            log.info("sending domain {} expired: its records did not all match within 72 h", domainId);
        }
    }
}
