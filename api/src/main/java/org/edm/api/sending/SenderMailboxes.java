package org.edm.api.sending;

import org.edm.api.security.CurrentUser;
import org.edm.api.sending.SendingViews.MailboxView;
import org.edm.api.support.ConflictException;
import org.edm.api.support.NotFoundException;
import org.edm.api.support.TemporalUnavailableException;
import org.edm.domain.sending.DomainStatus;
import org.edm.domain.sending.MailboxStatus;
import org.edm.domain.sending.SenderMailbox;
import org.edm.domain.sending.SenderMailboxRepository;
import org.edm.domain.sending.SendingDomain;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;
import java.util.Locale;

/**
 * Sender mailboxes (seed 004 steps 9-11), owner-scoped (INV-5): added on a VERIFIED domain only, provisioned at
 * Aliyun DirectMail by the {@code sender-mailbox-{id}} workflow (the api never calls Aliyun), listed with their
 * status and, when provisioning failed, the reason.
 */
@Service
class SenderMailboxes {

    private final SenderMailboxRepository mailboxes;
    private final SendingDomains domains;
    private final CurrentUser currentUser;
    private final SendingRuns runs;

    SenderMailboxes(SenderMailboxRepository mailboxes, SendingDomains domains, CurrentUser currentUser,
                    SendingRuns runs) {
        this.mailboxes = mailboxes;
        this.domains = domains;
        this.currentUser = currentUser;
        this.runs = runs;
    }

    @Transactional
    MailboxView create(long domainId, String localPart) {
        SendingDomain domain = domains.own(domainId);
        if (domain.getStatus() != DomainStatus.VERIFIED) {
            throw new ConflictException("domain " + domain.getName() + " is " + domain.getStatus()
                    + "; mailboxes can be added once it is VERIFIED (publish its DNS records, then POST /v1/domains/"
                    + domainId + "/verify)");
        }
        String local = localPart.trim().toLowerCase(Locale.ROOT);
        SenderMailbox mailbox = new SenderMailbox(domain.getOwnerId(), domainId, local, domain.getName());
        if (mailboxes.existsByAddressIgnoreCase(mailbox.getAddress())) {
            throw new ConflictException("mailbox " + mailbox.getAddress() + " exists already");
        }
        try {
            mailbox = mailboxes.saveAndFlush(mailbox);
        } catch (DataIntegrityViolationException race) {
            throw new ConflictException("mailbox " + mailbox.getAddress() + " exists already");
        }
        try {
            runs.provision(mailbox.getId(), domain.getOwnerId());
        } catch (RuntimeException e) {
            throw new TemporalUnavailableException("could not start provisioning " + mailbox.getAddress()
                    + " (Temporal unreachable?); nothing was changed, try again later", e);
        }
        return MailboxView.of(mailbox);
    }

    @Transactional(readOnly = true)
    List<MailboxView> listOfDomain(long domainId) {
        domains.own(domainId);
        return mailboxes.findAllByDomainIdOrderByIdAsc(domainId).stream().map(MailboxView::of).toList();
    }

    @Transactional(readOnly = true)
    List<MailboxView> list() {
        return mailboxes.findAllByOwnerIdOrderByIdAsc(currentUser.id()).stream().map(MailboxView::of).toList();
    }

    @Transactional(readOnly = true)
    MailboxView get(long id) {
        return MailboxView.of(own(id));
    }

    /**
     * Removes the mailbox here, so API sends can no longer use it. The address stays registered in the platform's
     * DirectMail account; adding it again later reuses it there.
     */
    @Transactional
    void delete(long id) {
        SenderMailbox mailbox = own(id);
        if (mailbox.getStatus() == MailboxStatus.PROVISIONING) {
            throw new ConflictException("mailbox " + mailbox.getAddress() + " is being provisioned; delete it once it"
                    + " is NORMAL or FAILED");
        }
        mailboxes.delete(mailbox);
    }

    private SenderMailbox own(long id) {
        return mailboxes.findByIdAndOwnerId(id, currentUser.id()).orElseThrow(() -> NotFoundException.of("mailbox", id));
    }
}
