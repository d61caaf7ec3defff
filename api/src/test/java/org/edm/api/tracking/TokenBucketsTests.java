package org.edm.api.tracking;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketsTests {

    private final AtomicLong nanos = new AtomicLong();

    @Test
    void aBurstThenTheRefillRate() {
        TokenBuckets buckets = new TokenBuckets(3, 1, 10, nanos::get);
        assertThat(buckets.take("a")).isZero();
        assertThat(buckets.take("a")).isZero();
        assertThat(buckets.take("a")).isZero();
        assertThat(buckets.take("a")).isEqualTo(1);
        assertThat(buckets.take("b")).isZero();
        nanos.addAndGet(1_000_000_000L);
        assertThat(buckets.take("a")).isZero();
        assertThat(buckets.take("a")).isEqualTo(1);
    }

    @Test
    void memoryIsBoundedAndForgettingOnlyEverGivesAFreshAllowance() {
        TokenBuckets buckets = new TokenBuckets(1, 0.001, 100, nanos::get);
        for (int i = 0; i < 10_000; i++) {
            buckets.take("addr-" + i);
        }
        // an exhausted address may have been forgotten (a fresh bucket) or not (still waiting): never worse
        assertThat(buckets.take("addr-9999")).isGreaterThanOrEqualTo(0);
        assertThat(buckets.take("new")).isZero();
    }
}
