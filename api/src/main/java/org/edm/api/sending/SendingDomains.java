package org.edm.api.sending;

import org.edm.api.security.CurrentUser;
import org.edm.api.sending.SendingViews.DomainView;
import org.edm.api.support.ConflictException;
import org.edm.api.support.NotFoundException;
import org.edm.api.support.TemporalUnavailableException;
import org.edm.domain.crypto.SecretBox;
import org.edm.domain.sending.DkimKeys;
import org.edm.domain.sending.DnsRecordPlan;
import org.edm.domain.sending.DomainDnsRecord;
import org.edm.domain.sending.DomainDnsRecordRepository;
import org.edm.domain.sending.SenderMailboxRepository;
import org.edm.domain.sending.SendingDomain;
import org.edm.domain.sending.SendingDomainRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Sending domains (seed 004 steps 4-8), owner-scoped (INV-5). Adding one generates its ownership token and DKIM key
 * pair, fixes the records to publish and starts {@code domain-{id}}; the api itself never looks at DNS. The
 * workflow start happens inside the transaction, so a Temporal outage leaves no domain behind (503).
 */
@Service
class SendingDomains {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SendingDomainRepository domains;
    private final DomainDnsRecordRepository records;
    private final SenderMailboxRepository mailboxes;
    private final SecretBox secrets;
    private final CurrentUser currentUser;
    private final SendingRuns runs;
    private final SendingDomainProperties properties;

    SendingDomains(SendingDomainRepository domains, DomainDnsRecordRepository records,
                   SenderMailboxRepository mailboxes, SecretBox secrets, CurrentUser currentUser, SendingRuns runs,
                   SendingDomainProperties properties) {
        this.domains = domains;
        this.records = records;
        this.mailboxes = mailboxes;
        this.secrets = secrets;
        this.currentUser = currentUser;
        this.runs = runs;
        this.properties = properties;
    }

    /** {@code Example.COM.} and {@code example.com} are one domain. */
    static String normalise(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    @Transactional
    DomainView create(String requestedName) {
        long owner = currentUser.id();
        String name = normalise(requestedName);
        if (domains.existsByOwnerIdAndNameIgnoreCase(owner, name)) {
            throw new ConflictException("you have added domain " + name + " already");
        }
        String token = HexFormat.of().formatHex(randomBytes(16));
        DkimKeys.Pair keys = DkimKeys.generate();
        SendingDomain domain = domains.saveAndFlush(new SendingDomain(owner, name, token,
                properties.dkimSelector(), keys.publicKey(), secrets.seal(keys.privateKey()),
                secrets.currentVersion()));
        List<DomainDnsRecord> planned = DnsRecordPlan.plan(name, token, properties.dkimSelector(), keys.publicKey(),
                        properties.planSettings()).stream()
                .map(p -> new DomainDnsRecord(domain.getId(), p)).toList();
        List<DomainDnsRecord> saved = records.saveAllAndFlush(planned);
        startChecks(domain);
        return DomainView.of(domain, saved);
    }

    @Transactional(readOnly = true)
    List<DomainView> list() {
        List<SendingDomain> own = domains.findAllByOwnerIdOrderByIdAsc(currentUser.id());
        Map<Long, List<DomainDnsRecord>> byDomain = own.isEmpty() ? Map.of()
                : records.findAllByDomainIdInOrderByIdAsc(own.stream().map(SendingDomain::getId).toList()).stream()
                .collect(Collectors.groupingBy(DomainDnsRecord::getDomainId));
        return own.stream().map(d -> DomainView.of(d, byDomain.getOrDefault(d.getId(), List.of()))).toList();
    }

    @Transactional(readOnly = true)
    DomainView get(long id) {
        SendingDomain domain = own(id);
        return DomainView.of(domain, records.findAllByDomainIdOrderByIdAsc(id));
    }

    /**
     * "Check now": the workflow looks the records up at once. A domain that EXPIRED becomes PENDING and is checked
     * for another 72 h.
     */
    @Transactional
    DomainView verify(long id) {
        SendingDomain domain = own(id);
        domains.reopenExpired(id);
        startChecks(domain);
        return get(id);
    }

    @Transactional
    void delete(long id) {
        SendingDomain domain = own(id);
        if (mailboxes.existsByDomainId(id)) {
            throw new ConflictException("domain " + domain.getName() + " still has sender mailboxes; delete them first");
        }
        domains.delete(domain);
        domains.flush();
        // after the commit, so the workflow's last check finds the domain gone
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                runs.domainDeleted(id);
            }
        });
    }

    /** The current user's domain, else 404 (another user's domain is indistinguishable from none). */
    SendingDomain own(long id) {
        return domains.findByIdAndOwnerId(id, currentUser.id()).orElseThrow(() -> NotFoundException.of("domain", id));
    }

    private void startChecks(SendingDomain domain) {
        try {
            runs.checkNow(domain.getId(), domain.getOwnerId());
        } catch (RuntimeException e) {
            throw new TemporalUnavailableException("could not start checking domain " + domain.getName()
                    + " (Temporal unreachable?); nothing was changed, try again later", e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
