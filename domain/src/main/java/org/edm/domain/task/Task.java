package org.edm.domain.task;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.edm.domain.Timestamped;

/**
 * One send of a campaign (任务): who ({@code recipient_rule}), what (a template set), from whom (sender name) and
 * when ({@code plan_time}). People edit the plan columns while the campaign is a draft; the task workflow owns
 * the execution columns (status, pause reason, audience size, actual times, stats), which are therefore not
 * updatable through this entity.
 *
 * <p>{@code recipient_rule} is JSON {@code {"include_tags":[...], "match":"ANY"|"ALL", "exclude_tags":[...]}}, stored
 * complete (every key present) by the api.
 */
@Entity
@Table(name = "tasks")
@DynamicUpdate
public class Task extends Timestamped {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "campaign_id", nullable = false, updatable = false)
    private long campaignId;

    @Column(name = "owner_id", nullable = false, updatable = false)
    private long ownerId;

    @Column(nullable = false, updatable = false)
    private int seq;

    @Column(nullable = false)
    private String name;

    @Column(name = "plan_time", nullable = false)
    private Instant planTime;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    private TaskStatus status = TaskStatus.DRAFT;

    @Column(name = "pause_reason", updatable = false)
    private String pauseReason;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "recipient_rule", nullable = false)
    private Map<String, Object> recipientRule = new HashMap<>();

    @Column(name = "template_set_id", nullable = false)
    private long templateSetId;

    @Column(name = "sender_name", nullable = false)
    private String senderName;

    @Column(name = "audience_size", updatable = false)
    private Integer audienceSize;

    @Column(name = "actual_start_time", updatable = false)
    private Instant actualStartTime;

    @Column(name = "actual_end_time", updatable = false)
    private Instant actualEndTime;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "summary_stats", updatable = false)
    private Map<String, Object> summaryStats;

    protected Task() {
    }

    public Task(long campaignId, long ownerId, int seq) {
        this.campaignId = campaignId;
        this.ownerId = ownerId;
        this.seq = seq;
    }

    public Long getId() {
        return id;
    }

    public long getCampaignId() {
        return campaignId;
    }

    public long getOwnerId() {
        return ownerId;
    }

    public int getSeq() {
        return seq;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Instant getPlanTime() {
        return planTime;
    }

    public void setPlanTime(Instant planTime) {
        this.planTime = planTime;
    }

    public TaskStatus getStatus() {
        return status;
    }

    public String getPauseReason() {
        return pauseReason;
    }

    public Map<String, Object> getRecipientRule() {
        return recipientRule;
    }

    public void setRecipientRule(Map<String, Object> recipientRule) {
        this.recipientRule = recipientRule;
    }

    public long getTemplateSetId() {
        return templateSetId;
    }

    public void setTemplateSetId(long templateSetId) {
        this.templateSetId = templateSetId;
    }

    public String getSenderName() {
        return senderName;
    }

    public void setSenderName(String senderName) {
        this.senderName = senderName;
    }

    public Integer getAudienceSize() {
        return audienceSize;
    }

    public Instant getActualStartTime() {
        return actualStartTime;
    }

    public Instant getActualEndTime() {
        return actualEndTime;
    }

    public Map<String, Object> getSummaryStats() {
        return summaryStats;
    }
}
