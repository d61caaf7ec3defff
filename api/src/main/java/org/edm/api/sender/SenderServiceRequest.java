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
 * Create or replace a sender service. On update, an omitted {@code smtp.password} keeps the stored one and an empty
 * one removes it.
 */
record SenderServiceRequest(
        @NotBlank @Size(max = 255) String name,
        @NotNull SenderProvider provider,
        @NotBlank @DomainName @Size(max = 255) @Schema(example = "mail.example.com") String domain,
        @Valid @Schema(description = "required when provider is SMTP") Smtp smtp,
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
                @Schema(description = "use TLS (implicit on 465, STARTTLS otherwise); default true") Boolean tls) {

        @Override
        public String toString() {
            return "Smtp[host=" + host + ", port=" + port + ", username=" + username + ", password=***]";
        }
    }
}
