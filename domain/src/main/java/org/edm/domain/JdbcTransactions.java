package org.edm.domain;

import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;

/**
 * Plain JDBC transactions on the application's DataSource, for hot paths that touch no JPA entity (the API send's
 * request path in the api, the API send activities in the worker). The default transaction manager of both apps is
 * JPA's, whose session set-up per transaction was a quarter of an accepted send's CPU in the api's profile and about
 * half of the "attempted" commit's in the worker's ({@code EDM_BENCH_JFR=1 bin/bench send}). One bean, so the two
 * paths share one manager instead of each building its own.
 */
@Component
public class JdbcTransactions {

    private final TransactionTemplate template;

    public JdbcTransactions(DataSource dataSource) {
        this.template = new TransactionTemplate(new JdbcTransactionManager(dataSource));
    }

    public TransactionTemplate template() {
        return template;
    }
}
