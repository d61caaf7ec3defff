package org.edm.activities.delivery;

import org.edm.activities.testing.ActivitiesHarness;
import org.edm.activities.testing.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pending queue read from the task's claim position (V156, PendingQueue): what it could get wrong is a row left
 * PENDING below the position (never sent, and the task never drained or finished), or a row taken twice.
 */
class ClaimPositionTests {

    private ActivitiesHarness harness;
    private Fixtures f;
    private DeliveryClaims claims;
    private long service;
    private long task;

    @BeforeEach
    void setUp() {
        harness = new ActivitiesHarness();
        f = harness.fixtures;
        long owner = f.user("operator");
        long campaign = f.campaign(owner, "Spring sale");
        long templateSet = f.templateSet(owner, f.template(owner, "Hello", "<p>Hi {{nickname}}</p>"));
        // no mail is sent here: the claim only needs a usable service
        service = f.smtpService("mail.example", 2525, 100_000, 0, "user", "secret");
        f.contacts(owner, "r", 40);
        task = f.task(campaign, owner, "{}", templateSet);
        harness.taskActivities(null).materializeDeliveries(task);
        claims = new DeliveryClaims(harness.jdbc, harness.tx);
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    private DeliveryClaims.Claim claim(String token, int max) {
        return claims.claim(service, task, max, token, Instant.now(), harness.providerRegistry);
    }

    private List<Long> pendingIds() {
        return f.jdbc().queryForList("SELECT id FROM deliveries WHERE task_id = ? AND status = 'PENDING' ORDER BY id",
                Long.class, task);
    }

    @Test
    void aClaimThatRollsBackLeavesItsRowsToTheNextClaim() {
        List<Long> first = pendingIds().subList(0, 5);
        harness.tx.executeWithoutResult(status -> {
            assertThat(claim("rolled-back", 5).claimed().deliveryIds()).isEqualTo(first);
            // e.g. the connection dies before the commit
            status.setRollbackOnly();
        });

        assertThat(pendingIds()).hasSize(40);
        assertThat(claims.hasClaimablePending(task)).isTrue();
        assertThat(claim("next", 5).claimed().deliveryIds()).as("the rolled-back claim's rows, not the ones after")
                .isEqualTo(first);
    }

    @Test
    void rowsMadePendingAgainBelowThePositionAreClaimedAgainAndTheTaskDrainsOnlyAfterThem() {
        List<Long> ids = pendingIds();
        DeliveryClaims.Claim stopped = claim("stopped", 10);
        claims.markAttempted(ids.get(0), "stopped");
        assertThat(claim("rest", 100).sending()).isEqualTo(30);
        assertThat(claims.hasClaimablePending(task)).as("everything is claimed").isFalse();

        // a pause mid-batch gives the unattempted rows back: below the position the other claim moved past them
        assertThat(claims.releaseUnattempted("stopped", service, stopped.day())).isEqualTo(9);

        assertThat(claims.hasClaimablePending(task)).as("drained is exact").isTrue();
        assertThat(new org.edm.domain.quota.TaskQuota(harness.jdbc).pendingDeliveries(task)).isEqualTo(9);
        assertThat(claim("again", 100).claimed().deliveryIds()).isEqualTo(ids.subList(1, 10));
        assertThat(claims.hasClaimablePending(task)).isFalse();
        assertThat(pendingIds()).isEmpty();
    }

    @Test
    void anAbandonedClaimsUnattemptedRowsSettledBackToPendingAreClaimedAgain() {
        List<Long> ids = pendingIds();
        claim("abandoned", 10);
        claims.markAttempted(ids.get(0), "abandoned");
        claim("rest", 100);
        // its activity died for good: untouched for longer than edm.delivery.stale-claim-after
        f.jdbc().update("UPDATE deliveries SET updated_at = now() - interval '1 day' WHERE claim_token = 'abandoned'");

        assertThat(harness.taskActivities(null).countDeliveries(task).pending()).isEqualTo(9);

        assertThat(claims.hasClaimablePending(task)).isTrue();
        assertThat(claim("again", 100).claimed().deliveryIds()).isEqualTo(ids.subList(1, 10));
        assertThat(f.deliveryStatuses(task)).containsEntry("UNKNOWN", 1L).containsEntry("SENDING", 39L);
    }

    @Test
    void claimsOfOneTaskAtOnceNeverTakeARowTwiceNorLeaveOneBehind() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<List<Long>>> claimers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String token = "lane-" + i;
            claimers.add(() -> claim(token, 4).claimed().deliveryIds());
        }
        List<Long> taken = new ArrayList<>();
        for (Future<List<Long>> claimed : pool.invokeAll(claimers)) {
            taken.addAll(claimed.get());
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        assertThat(taken).hasSize(32);
        Set<Long> distinct = new HashSet<>(taken);
        assertThat(distinct).hasSize(32);
        List<Long> left = pendingIds();
        assertThat(left).hasSize(8).doesNotContainAnyElementsOf(distinct);
        assertThat(claim("last", 100).claimed().deliveryIds()).isEqualTo(left);
        assertThat(claims.hasClaimablePending(task)).isFalse();
    }
}
