package org.edm.worker;

import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import org.edm.activities.delivery.DeliveryProperties;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.campaign.CampaignActivities;
import org.edm.workflows.sender.DeliveryActivities;
import org.edm.workflows.sending.DomainActivities;
import org.edm.workflows.sending.MailboxProvisioningActivities;
import org.edm.workflows.task.TaskActivities;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The deployable boots: migrations run, the activity beans exist and one worker polls the "edm" queue. */
class WorkerApplicationTests extends WorkerTestContext {

    @Autowired
    ApplicationContext context;

    @Autowired
    WorkerFactory workerFactory;

    @Test
    void startsOneWorkerOnTheEdmQueueWithTheActivityBeans() {
        Worker worker = workerFactory.getWorker(TaskQueues.EDM);

        assertThat(worker).isNotNull();
        assertThat(worker.isSuspended()).isFalse();
        assertThat(context.getBean("campaignActivities")).isInstanceOf(CampaignActivities.class);
        assertThat(context.getBean("taskActivities")).isInstanceOf(TaskActivities.class);
        assertThat(context.getBean("deliveryActivities")).isInstanceOf(DeliveryActivities.class);
        assertThat(context.getBean("domainActivities")).isInstanceOf(DomainActivities.class);
        assertThat(context.getBean("mailboxProvisioningActivities"))
                .isInstanceOf(MailboxProvisioningActivities.class);
    }

    @Test
    void sendPathSettingsBindWithTheirDefaults() {
        DeliveryProperties delivery = context.getBean(DeliveryProperties.class);

        // unthrottled batches grow from a small first one to the largest, each lasting about the target
        assertThat(delivery.firstBatchSize()).isEqualTo(250);
        assertThat(delivery.batchSize()).isEqualTo(4000);
        assertThat(delivery.batchTarget()).isEqualTo(Duration.ofSeconds(1));
        assertThat(delivery.inFlightGroup()).isEqualTo(10);
    }
}
