package org.edm.domain.sending;

import org.springframework.data.jpa.repository.JpaRepository;

import java.util.Collection;
import java.util.List;

public interface DomainDnsRecordRepository extends JpaRepository<DomainDnsRecord, Long> {

    List<DomainDnsRecord> findAllByDomainIdOrderByIdAsc(long domainId);

    List<DomainDnsRecord> findAllByDomainIdInOrderByIdAsc(Collection<Long> domainIds);
}
