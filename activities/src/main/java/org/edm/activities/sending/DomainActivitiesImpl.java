package org.edm.activities.sending;

import io.temporal.failure.ApplicationFailure;
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
import java.util.Map;

/**
 * The DNS checks of sending domains. Every lookup happens before anything is written, so a resolver that fails half
 * way changes nothing; then the records' observations and the domain's move are written in one transaction, under a
 * lock on the domain row, so a crossing VERIFIED → FAILING raises exactly one alert however checks overlap.
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
    private final Alerts alerts;

    public DomainActivitiesImpl(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, DnsLookup dns, Clock clock,
                                Alerts alerts) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.dns = dns;
        this.clock = clock;
        this.alerts = alerts;
    }

    private record Planned(long id, DnsRecordPurpose purpose, String type, String host, String expected,
                           boolean required) {
    }

    @Override
    public DomainCheck checkDomain(long domainId) {
        MapSqlParameterSource p = new MapSqlParameterSource("id", domainId);
        List<String> name = jdbc.queryForList("SELECT name FROM sending_domains WHERE id = :id", p, String.class);
        if (name.isEmpty()) {
            return new DomainCheck(domainId, DomainCheck.GONE, 0, 0);
        }
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
        return tx.execute(status -> record(domainId, name.get(0), records, observations));
    }

    private DomainCheck record(long domainId, String name, List<Planned> records, List<Observation> observations) {
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
        for (int i = 0; i < records.size(); i++) {
            Planned record = records.get(i);
            Observation seen = observations.get(i);
            jdbc.update("""
                    UPDATE domain_dns_records SET status = :status, observed_value = :observed, checked_at = :now
                     WHERE id = :record""", new MapSqlParameterSource("status", seen.status().name())
                    .addValue("observed", seen.observed()).addValue("now", now).addValue("record", record.id()));
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
        DomainStatus before = DomainStatus.valueOf(current.get(0));
        DomainStatus after = next(before, required > 0 && matched == required);
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
