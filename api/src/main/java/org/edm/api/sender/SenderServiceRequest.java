package org.edm.api.sender;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import org.edm.api.support.DomainName;
import org.edm.api.support.HostName;
import org.edm.api.support.TimeZoneId;
import org.edm.domain.sender.SenderProvider;

import java.math.BigDecimal;

/**
 * Create or replace a sender service. Exactly the settings object of its provider is given ({@code smtp},
 * {@code aliyun} or {@code engagelab}). Secrets are write-only: on update an omitted one keeps the stored secret (an
 * empty {@code smtp.password} or {@code smtp.imap.password} removes it).
 */
record SenderServiceRequest(
        @NotBlank @Size(max = 255) String name,
        @NotNull SenderProvider provider,
        @NotBlank @DomainName @Size(max = 255) @Schema(example = "mail.example.com") String domain,
        @Valid @Schema(description = "required when provider is SMTP") Smtp smtp,
        @Valid @Schema(description = "required when provider is ALIYUN_DM") Aliyun aliyun,
        @Valid @Schema(description = "required when provider is ENGAGELAB") EngageLab engagelab,
        @NotNull @PositiveOrZero @Schema(description = "sends per quota day") Integer dailyQuota,
        @PositiveOrZero @Digits(integer = 7, fraction = 3)
        @Schema(description = "minimum seconds between two sends through this service; default 0")
        BigDecimal throttleSeconds,
        @Pattern(regexp = "([01]\\d|2[0-3]):[0-5]\\d", message = "must be HH:MM between 00:00 and 23:59")
        @Schema(description = "when the quota day starts, in time_zone; default 00:00", example = "00:00")
        String resetTime,
        @TimeZoneId @Schema(description = "default Asia/Shanghai", example = "Asia/Shanghai") String timeZone,
        @Positive @Max(1000)
        @Schema(description = "consecutive failures that freeze the service; default 10") Integer failureThreshold,
        @Positive @Max(1440)
        @Schema(description = "optional: freeze after failure_threshold failures within this many minutes")
        Integer failureWindowMinutes,
        @Schema(description = "default true") Boolean enabled) {

    /** SMTP connection. The password is write-only: it is sealed at rest and never returned. */
    record Smtp(@NotBlank @HostName @Size(max = 255) String host,
                @NotNull @Min(1) @Max(65535) Integer port,
                @Size(max = 320) String username,
                @Size(max = 1024) @Schema(accessMode = Schema.AccessMode.WRITE_ONLY, description = "write-only; on update "
                        + "omit it to keep the stored password, send \"\" to remove it") String password,
                @Schema(description = "use TLS (implicit on 465, STARTTLS otherwise); default true") Boolean tls,
                @Valid @Schema(description = "optional: the IMAP mailbox the mailbox poller reads for replies and "
                        + "bounces; omit it to read no mailbox") Imap imap) {

        @Override
        public String toString() {
            return "Smtp[host=" + host + ", port=" + port + ", username=" + username + ", password=***, imap="
                    + imap + "]";
        }
    }

    /**
     * The service's IMAP mailbox (replies and DSN bounces). The password is write-only: sealed at rest next to the
     * SMTP password and never returned; on update omit it to keep the stored one, send "" to remove it (the poller
     * then logs in with the SMTP password).
     */
    record Imap(@NotBlank @HostName @Size(max = 255) @Schema(example = "imap.example.com") String host,
                @Min(1) @Max(65535) @Schema(description = "default 993 with ssl, 143 without") Integer port,
                @Size(max = 320) @Schema(description = "default: the SMTP username") String username,
                @Size(max = 1024) @Schema(accessMode = Schema.AccessMode.WRITE_ONLY, description = "write-only; "
                        + "default: the SMTP password; on update omit it to keep the stored one, \"\" removes it")
                String password,
                @Schema(description = "implicit TLS (IMAPS); default true") Boolean ssl,
                @Size(min = 1, max = 255) @Schema(description = "default INBOX") String folder) {

        @Override
        public String toString() {
            return "Imap[host=" + host + ", port=" + port + ", username=" + username + ", ssl=" + ssl + ", folder="
                    + folder + ", password=***]";
        }
    }

    /** Aliyun DirectMail. The AccessKey secret is write-only: sealed at rest and never returned. */
    record Aliyun(@NotBlank @Size(max = 128) @Schema(example = "LTAI5t...") String accessKeyId,
                  @Size(min = 1, max = 256) @Schema(accessMode = Schema.AccessMode.WRITE_ONLY,
                          description = "write-only; required on create, omit on update to keep it")
                  String accessKeySecret,
                  @Pattern(regexp = "[a-z]{2}-[a-z0-9-]{2,40}", message = "must be an Aliyun region id like cn-hangzhou")
                  @Schema(description = "default cn-hangzhou", example = "cn-hangzhou") String region,
                  @Size(max = 320) @jakarta.validation.constraints.Email
                  @Schema(description = "DirectMail sender address; default: the task's sender name at the domain")
                  String accountName,
                  @Size(max = 64) @Schema(description = "optional display name") String fromAlias) {

        @Override
        public String toString() {
            return "Aliyun[accessKeyId=" + accessKeyId + ", region=" + region + ", accountName=" + accountName
                    + ", accessKeySecret=***]";
        }
    }

    /** EngageLab. The api_key is write-only: sealed at rest and never returned. */
    record EngageLab(@NotBlank @Size(max = 128) String apiUser,
                     @Size(min = 1, max = 256) @Schema(accessMode = Schema.AccessMode.WRITE_ONLY,
                             description = "write-only; required on create, omit on update to keep it")
                     String apiKey,
                     @Size(max = 255) @Pattern(regexp = "https?://[A-Za-z0-9.-]+(:\\d{1,5})?(/[^\\s]*)?",
                             message = "must be an http(s) URL")
                     @Schema(description = "API base URL; default https://email.api.engagelab.cc") String endpoint) {

        @Override
        public String toString() {
            return "EngageLab[apiUser=" + apiUser + ", endpoint=" + endpoint + ", apiKey=***]";
        }
    }
}
