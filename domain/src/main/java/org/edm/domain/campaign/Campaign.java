package org.edm.domain.campaign;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;
import org.edm.domain.Timestamped;

/**
 * A campaign (任务组): 1..N tasks at {@code plan_time = start_time + n·interval_days}. Its status changes by
 * conditional updates in {@link CampaignRepository} (never by saving a loaded entity), because the campaign
 * workflow's activities change it concurrently; hence {@code status} is not updatable through the entity.
 */
@Entity
@Table(name = "campaigns")
@DynamicUpdate
public class Campaign extends Timestamped {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "owner_id", nullable = false, updatable = false)
    private long ownerId;

    @Column(nullable = false)
    private String name;

    @Column(name = "start_time", nullable = false)
    private Instant startTime;

    @Column(name = "interval_days", nullable = false)
    private int intervalDays;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    private CampaignStatus status = CampaignStatus.DRAFT;

    @Column(name = "activated_at", updatable = false)
    private Instant activatedAt;

    @Column(name = "completed_at", updatable = false)
    private Instant completedAt;

    protected Campaign() {
    }

    public Campaign(long ownerId) {
        this.ownerId = ownerId;
    }

    public Long getId() {
        return id;
    }

    public long getOwnerId() {
        return ownerId;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Instant getStartTime() {
        return startTime;
    }

    public void setStartTime(Instant startTime) {
        this.startTime = startTime;
    }

    public int getIntervalDays() {
        return intervalDays;
    }

    public void setIntervalDays(int intervalDays) {
        this.intervalDays = intervalDays;
    }

    public CampaignStatus getStatus() {
        return status;
    }

    public Instant getActivatedAt() {
        return activatedAt;
    }

    public Instant getCompletedAt() {
        return completedAt;
    }
}
