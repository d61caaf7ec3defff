package org.edm.workflows.sender;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

@ActivityInterface
public interface DeliveryActivities {

    @ActivityMethod
    ServicePace loadServicePace(long senderServiceId);

    /**
     * Claims pending deliveries of one task for one service (from the task's claim position, counted against the
     * service's daily quota in the same transaction), sends them through the service's provider and records
     * each outcome. At most once (INV-3): a delivery is marked attempted before the provider is called, and on a
     * retry an attempted delivery without a recorded outcome becomes UNKNOWN instead of being sent again.
     */
    @ActivityMethod
    DeliveryBatchResult deliverBatch(DeliveryBatch batch);

}
