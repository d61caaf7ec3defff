package org.edm.domain.campaign;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicInsert;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;
import org.edm.domain.Timestamped;

/**
 * A campaign (任务组): 1..N tasks at {@code plan_time = start_time + n·interval_days}. Its status changes by
 * conditional updates in {@link CampaignRepository} (never by saving a loaded entity), because the campaign
 * workflow's activities change it concurrently; hence {@code status} is not updatable through the entity.
 * {@code public_id} (the id developers name in API sends) and {@code origin} are set once and never change; a
 * campaign made for API use only has no {@code start_time} and no tasks, and cannot be activated.
 * {@link DynamicInsert}: a campaign saved without a public id gets the database's default one.
 */
@Entity
@Table(name = "campaigns")
@DynamicUpdate
@DynamicInsert
public class Campaign extends Timestamped {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "owner_id", nullable = false, updatable = false)
    private long ownerId;

    @Column(name = "public_id", nullable = false, updatable = false)
    private String publicId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    private CampaignOrigin origin = CampaignOrigin.OPERATOR;

    @Column(nullable = false)
    private String name;

    /** Null for a campaign made only to group API sends. */
    @Column(name = "start_time")
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

    public String getPublicId() {
        return publicId;
    }

    /** Only before the campaign is first saved: a public id never changes. */
    public void assignPublicId(String publicId) {
        if (this.id != null) {
            throw new IllegalStateException("the public id of campaign " + id + " cannot change");
        }
        this.publicId = publicId;
    }

    public CampaignOrigin getOrigin() {
        return origin;
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
