package org.edm.worker;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import org.edm.activities.testing.Fixtures;
import org.edm.domain.crypto.SecretBox;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The worker's context plus what a test of the whole send path needs: an SMTP server (GreenMail), the database,
 * the Temporal client and test environment (search attributes registered) and data fixtures.
 */
abstract class SendPathTestSupport extends WorkerTestContext {

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    SecretBox secrets;

    @Autowired
    WorkflowClient client;

    @Autowired
    TestWorkflowEnvironment env;

    Fixtures f;

    @BeforeEach
    void setUpSendPath() {
        registerSearchAttributes(env);
        f = new Fixtures(jdbc, secrets);
    }
}
