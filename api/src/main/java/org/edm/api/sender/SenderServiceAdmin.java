package org.edm.api.sender;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.edm.api.security.CurrentUser;
import org.edm.api.support.ConflictException;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.edm.domain.alert.AlertKinds;
import org.edm.domain.alert.Alerts;
import org.edm.domain.crypto.SecretBox;
import org.edm.domain.sender.ProviderSettings;
import org.edm.domain.sender.QuotaDay;
import org.edm.domain.sender.SenderProvider;
import org.edm.domain.sender.SenderService;
import org.edm.domain.sender.SenderServiceRepository;
import org.edm.domain.sender.UserSenderServiceAccess;
import org.edm.domain.sender.UserSenderServiceAccessRepository;
import org.edm.domain.user.UserRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Admins configure sender services and decide which users may send through which (seed 001 F21–F25). */
@Service
class SenderServiceAdmin {

    static final String DEFAULT_TIME_ZONE = "Asia/Shanghai";

    private final SenderServiceRepository services;
    private final UserSenderServiceAccessRepository access;
    private final UserRepository users;
    private final SecretBox secretBox;
    private final CurrentUser currentUser;
    private final ObjectMapper json;
    private final Alerts alerts;

    SenderServiceAdmin(SenderServiceRepository services, UserSenderServiceAccessRepository access,
                       UserRepository users, SecretBox secretBox, CurrentUser currentUser,
                       ObjectMapper json, Alerts alerts) {
        this.alerts = alerts;
        this.services = services;
        this.access = access;
        this.users = users;
        this.secretBox = secretBox;
        this.currentUser = currentUser;
        this.json = json;
    }

    @Transactional(readOnly = true)
    List<SenderServiceView> list() {
        currentUser.requireAdmin();
        return services.findAllByOrderByIdAsc().stream().map(this::view).toList();
    }

    /** One service with its live state: today's sends, and what its workflow is doing ({@code live}). */
    @Transactional(readOnly = true)
    SenderServiceView get(long id, SenderServiceView.Live live) {
        currentUser.requireAdmin();
        SenderService service = find(id);
        Instant now = Instant.now();
        SenderServiceView plain = SenderServiceView.of(service, null, null, now, Set.of());
        return SenderServiceView.of(service, services.countSentSince(id, plain.quotaDayStartedAt()), live, now,
                secretFields(service));
    }

    void requireExists(long id) {
        currentUser.requireAdmin();
        find(id);
    }

    /** Manual unfreeze (a frozen service never thaws by itself). Idempotent: an active service stays as it is. */
    @Transactional
    SenderServiceView unfreeze(long id) {
        currentUser.requireAdmin();
        SenderServiceView before = view(find(id));
        if (services.unfreeze(id) > 0) {
            // the condition cleared: the freeze alert is resolved (not merely acknowledged)
            alerts.resolve(AlertKinds.SENDER_SERVICE_FROZEN, "sender-service-" + id);
            SenderServiceView after = view(find(id));
            return after;
        }
        return before;
    }

    /** Sets today's remaining quota by hand, between 0 and the daily quota (INV-1: used_today <= daily_quota). */
    @Transactional
    SenderServiceView setRemainingToday(long id, int remainingToday) {
        currentUser.requireAdmin();
        SenderService service = find(id);
        if (remainingToday > service.getDailyQuota()) {
            throw new InvalidInputException("remaining_today", "must be at most the daily quota ("
                    + service.getDailyQuota() + "); raise daily_quota first");
        }
        java.time.ZoneId zone = QuotaDay.zone(service.getTimeZone());
        services.setRemainingToday(id, remainingToday,
                QuotaDay.of(Instant.now(), service.getResetTime(), zone));
        SenderServiceView after = view(find(id));
        return after;
    }

    /** Creates the service and lets the creating admin use it straight away. */
    @Transactional
    SenderServiceView create(SenderServiceRequest request) {
        currentUser.requireAdmin();
        checkProviderSettings(request, null);
        SenderService service = new SenderService();
        apply(request, service);
        services.saveAndFlush(service);
        access.save(new UserSenderServiceAccess(currentUser.id(), service.getId()));
        SenderServiceView view = view(service);
        return view;
    }

    @Transactional
    SenderServiceView update(long id, SenderServiceRequest request) {
        currentUser.requireAdmin();
        SenderService service = find(id);
        checkProviderSettings(request, service);
        if (request.dailyQuota() < service.getUsedToday() && service.getQuotaDay() != null) {
            throw new ConflictException("daily_quota " + request.dailyQuota() + " is below what the service has "
                    + "already sent this quota day (" + service.getUsedToday() + "); set it to at least "
                    + service.getUsedToday() + ", or disable the service to stop it for today");
        }
        apply(request, service);
        services.saveAndFlush(service);
        SenderServiceView after = view(service);
        return after;
    }

    @Transactional
    void delete(long id) {
        currentUser.requireAdmin();
        SenderService service = find(id);
        if (services.hasDeliveries(id)) {
            throw new ConflictException("sender service " + id + " has already sent mail and its history refers to "
                    + "it; disable it (enabled: false) instead of deleting it");
        }
        services.delete(service);
        services.flush();
    }

    @Transactional(readOnly = true)
    List<SenderServiceView> servicesOfUser(long userId) {
        currentUser.requireAdmin();
        requireUser(userId);
        return viewsOf(userId);
    }

    /** Makes {@code serviceIds} the user's whole set of usable services. */
    @Transactional
    List<SenderServiceView> replaceServicesOfUser(long userId, List<Long> serviceIds) {
        currentUser.requireAdmin();
        requireUser(userId);
        Set<Long> wanted = new LinkedHashSet<>(serviceIds);
        List<Long> known = services.findAllByIdInOrderByIdAsc(wanted).stream().map(SenderService::getId).toList();
        List<Long> unknown = wanted.stream().filter(id -> !known.contains(id)).toList();
        if (!unknown.isEmpty()) {
            throw new NotFoundException("sender service(s) " + unknown + " not found", "service_ids");
        }
        List<Long> before = access.findAllByUserIdOrderBySenderServiceIdAsc(userId).stream()
                .map(UserSenderServiceAccess::getSenderServiceId).toList();
        if (wanted.isEmpty()) {
            access.deleteAllByUserId(userId);
        } else {
            access.deleteAllByUserIdExcept(userId, wanted);
        }
        for (Long serviceId : wanted) {
            if (!before.contains(serviceId)) {
                access.save(new UserSenderServiceAccess(userId, serviceId));
            }
        }
        access.flush();
        return viewsOf(userId);
    }

    private List<SenderServiceView> viewsOf(long userId) {
        List<Long> ids = access.findAllByUserIdOrderBySenderServiceIdAsc(userId).stream()
                .map(UserSenderServiceAccess::getSenderServiceId).toList();
        return services.findAllByIdInOrderByIdAsc(ids).stream().map(this::view).toList();
    }

    private void requireUser(long userId) {
        if (!users.existsById(userId)) {
            throw NotFoundException.of("user", userId);
        }
    }

    private SenderService find(long id) {
        return services.findById(id).orElseThrow(() -> NotFoundException.of("sender service", id));
    }

    private void checkProviderSettings(SenderServiceRequest request, SenderService existing) {
        SenderProvider provider = request.provider();
        // a stored secret of the same provider may be kept by omitting it
        boolean hadSecret = existing != null && existing.hasSecret() && existing.getProvider() == provider;
        // an SMTP secret may hold only the IMAP password: the SMTP one is kept only if it is there
        boolean hadSmtpPassword = hadSecret && provider == SenderProvider.SMTP
                && secretFields(existing).contains("password");
        if (provider != SenderProvider.SMTP && request.smtp() != null) {
            throw new InvalidInputException("smtp", "only applies to provider SMTP");
        }
        if (provider != SenderProvider.ALIYUN_DM && request.aliyun() != null) {
            throw new InvalidInputException("aliyun", "only applies to provider ALIYUN_DM");
        }
        if (provider != SenderProvider.ENGAGELAB && request.engagelab() != null) {
            throw new InvalidInputException("engagelab", "only applies to provider ENGAGELAB");
        }
        switch (provider) {
            case SMTP -> {
                if (request.smtp() == null) {
                    throw new InvalidInputException("smtp", "required when provider is SMTP");
                }
                if (request.smtp().username() != null && !request.smtp().username().isBlank()
                        && request.smtp().password() == null && !hadSmtpPassword) {
                    throw new InvalidInputException("smtp.password", "required when smtp.username is given");
                }
            }
            case ALIYUN_DM -> {
                if (request.aliyun() == null) {
                    throw new InvalidInputException("aliyun", "required when provider is ALIYUN_DM");
                }
                if (request.aliyun().accessKeySecret() == null && !hadSecret) {
                    throw new InvalidInputException("aliyun.access_key_secret", "required");
                }
            }
            case ENGAGELAB -> {
                if (request.engagelab() == null) {
                    throw new InvalidInputException("engagelab", "required when provider is ENGAGELAB");
                }
                if (request.engagelab().apiKey() == null && !hadSecret) {
                    throw new InvalidInputException("engagelab.api_key", "required");
                }
            }
        }
        if (hadSecret) {
            requireSecretWhenRePointed(request, existing);
        }
    }

    /**
     * A stored secret is only ever sent where it was given for. Changing where it goes — SMTP host, port, username
     * or turning TLS off; the IMAP mailbox its password (or the SMTP password it falls back to) logs in to; Aliyun's
     * AccessKey id, region, sender account or endpoint; EngageLab's endpoint or API user — needs the secret in the
     * same request. Otherwise an admin token alone (a stolen one, say) could point a service at its own host and
     * have the worker hand it the password. 400 naming the secret's field; nothing is written.
     */
    private void requireSecretWhenRePointed(SenderServiceRequest request, SenderService existing) {
        Map<String, Object> before = existing.getSettings() == null ? Map.of() : existing.getSettings();
        Map<String, Object> after = settingsOf(request);
        Set<String> stored = secretFields(existing);
        String message = "required again when the service is pointed elsewhere (%s changed): the stored secret is "
                + "never sent to a new destination";
        switch (request.provider()) {
            case SMTP -> {
                SenderServiceRequest.Smtp smtp = request.smtp();
                List<String> changed = changed(before, after, "host", "port", "username");
                if (Boolean.TRUE.equals(before.get("tls")) && Boolean.FALSE.equals(after.get("tls"))) {
                    changed = new java.util.ArrayList<>(changed);
                    changed.add("tls");
                }
                if (!changed.isEmpty() && stored.contains("password") && smtp.password() == null) {
                    throw new InvalidInputException("smtp.password", message.formatted(fields("smtp", changed)));
                }
                SenderServiceRequest.Imap imap = smtp.imap();
                if (imap == null) {
                    return;
                }
                Map<String, Object> imapBefore = before.get("imap") instanceof Map<?, ?> m ? castMap(m) : null;
                @SuppressWarnings("unchecked")
                Map<String, Object> imapAfter = (Map<String, Object>) after.get("imap");
                List<String> imapChanged = imapBefore == null ? List.of("host")
                        : changed(imapBefore, imapAfter, "host", "port", "username", "ssl");
                if (imapChanged.isEmpty()) {
                    return;
                }
                // the password the mailbox poller would log in with after this update, and whether it is new
                boolean keepsImapPassword = imap.password() == null && stored.contains("imap_password");
                boolean fallsBackToStoredSmtp = (imap.password() == null || imap.password().isEmpty())
                        && !keepsImapPassword && smtp.password() == null && stored.contains("password");
                if (keepsImapPassword || fallsBackToStoredSmtp) {
                    throw new InvalidInputException("smtp.imap.password",
                            message.formatted(fields("smtp.imap", imapChanged)));
                }
            }
            case ALIYUN_DM -> {
                List<String> changed = changed(before, after, "access_key_id", "region", "account_name", "endpoint");
                if (!changed.isEmpty() && request.aliyun().accessKeySecret() == null) {
                    throw new InvalidInputException("aliyun.access_key_secret",
                            message.formatted(fields("aliyun", changed)));
                }
            }
            case ENGAGELAB -> {
                List<String> changed = changed(before, after, "endpoint", "api_user");
                if (!changed.isEmpty() && request.engagelab().apiKey() == null) {
                    throw new InvalidInputException("engagelab.api_key",
                            message.formatted(fields("engagelab", changed)));
                }
            }
        }
    }

    /** The keys whose values differ (host names ignoring case; a number and its text are the same value). */
    private static List<String> changed(Map<String, Object> before, Map<String, Object> after, String... keys) {
        List<String> changed = new java.util.ArrayList<>();
        for (String key : keys) {
            Object a = before.get(key);
            Object b = after.get(key);
            String left = a == null ? null : a.toString().trim().toLowerCase(java.util.Locale.ROOT);
            String right = b == null ? null : b.toString().trim().toLowerCase(java.util.Locale.ROOT);
            if (!java.util.Objects.equals(left, right)) {
                changed.add(key);
            }
        }
        return changed;
    }

    private static String fields(String prefix, List<String> keys) {
        return String.join(", ", keys.stream().map(k -> prefix + "." + k).toList());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private void apply(SenderServiceRequest request, SenderService service) {
        boolean providerChanged = service.getProvider() != null && service.getProvider() != request.provider();
        service.setName(request.name().trim());
        service.setProvider(request.provider());
        service.setDomain(request.domain().trim().toLowerCase());
        service.setDailyQuota(request.dailyQuota());
        service.setThrottleSeconds(request.throttleSeconds() == null ? BigDecimal.ZERO : request.throttleSeconds());
        service.setResetTime(request.resetTime() == null ? LocalTime.MIDNIGHT : LocalTime.parse(request.resetTime()));
        service.setTimeZone(request.timeZone() == null ? DEFAULT_TIME_ZONE : request.timeZone());
        service.setFailureThreshold(request.failureThreshold() == null ? 10 : request.failureThreshold());
        service.setFailureWindowMinutes(request.failureWindowMinutes());
        service.setEnabled(request.enabled() == null || request.enabled());
        if (providerChanged) {
            // credentials of another provider mean nothing here
            service.clearSecret();
        }
        Map<String, Object> settings = settingsOf(request);
        String secretField = null;
        String secret = null;
        if (request.smtp() != null) {
            SenderServiceRequest.Smtp smtp = request.smtp();
            // the SMTP secret is {"password", "imap_password"}, merged field by field: null keeps the stored value,
            // "" removes it (no authentication / the IMAP login falls back to the SMTP password), else replaces it
            Map<String, String> stored = service.hasSecret() ? openSecret(service) : Map.of();
            Map<String, String> sealed = new LinkedHashMap<>(stored);
            mergeSecret(sealed, "password", smtp.password());
            if (smtp.imap() == null) {
                // no mailbox to read: its password means nothing any more
                sealed.remove("imap_password");
            } else {
                mergeSecret(sealed, "imap_password", smtp.imap().password());
            }
            if (sealed.isEmpty()) {
                service.clearSecret();
            } else if (!sealed.equals(stored)) {
                service.replaceSecret(secretBox.seal(encode(sealed)), secretBox.currentVersion());
            }
        } else if (request.aliyun() != null) {
            secretField = "access_key_secret";
            secret = request.aliyun().accessKeySecret();
        } else if (request.engagelab() != null) {
            secretField = "api_key";
            secret = request.engagelab().apiKey();
        }
        service.setSettings(settings);
        if (secret != null) {
            service.replaceSecret(secretBox.seal(sealedSecret(secretField, secret)), secretBox.currentVersion());
        }
    }

    /** The non-secret settings of the request's provider, exactly as stored in {@code sender_services.settings}. */
    private static Map<String, Object> settingsOf(SenderServiceRequest request) {
        if (request.smtp() != null) {
            SenderServiceRequest.Smtp smtp = request.smtp();
            SenderServiceRequest.Imap imap = smtp.imap();
            ProviderSettings.Imap imapSettings = null;
            if (imap != null) {
                boolean ssl = imap.ssl() == null || imap.ssl();
                // exactly what the mailbox poller reads (MailboxActivitiesImpl): settings.imap and imap_password
                imapSettings = new ProviderSettings.Imap(imap.host().trim(),
                        imap.port() != null ? imap.port() : ssl ? 993 : 143,
                        imap.username() == null || imap.username().isBlank() ? null : imap.username(), ssl,
                        imap.folder() == null || imap.folder().isBlank() ? "INBOX" : imap.folder().trim());
            }
            return new ProviderSettings.Smtp(smtp.host().trim(), smtp.port(),
                    smtp.username() == null || smtp.username().isBlank() ? null : smtp.username(),
                    smtp.tls() == null || smtp.tls(), null, imapSettings).toStored();
        } else if (request.aliyun() != null) {
            SenderServiceRequest.Aliyun aliyun = request.aliyun();
            return new ProviderSettings.AliyunDm(aliyun.accessKeyId().trim(),
                    aliyun.region() == null ? ProviderSettings.DEFAULT_ALIYUN_REGION : aliyun.region(),
                    blankToNull(aliyun.accountName()), blankToNull(aliyun.fromAlias()), null).toStored();
        } else if (request.engagelab() != null) {
            SenderServiceRequest.EngageLab engagelab = request.engagelab();
            return new ProviderSettings.EngageLab(engagelab.apiUser().trim(),
                    ProviderSettings.EngageLab.endpoint(engagelab.endpoint()), null).toStored();
        }
        return new LinkedHashMap<>();
    }

    private static void mergeSecret(Map<String, String> sealed, String field, String value) {
        if (value == null) {
            return;
        }
        if (value.isEmpty()) {
            sealed.remove(field);
        } else {
            sealed.put(field, value);
        }
    }

    /** The admin view; opens the sealed secret only to tell which fields it holds. */
    private SenderServiceView view(SenderService service) {
        return SenderServiceView.of(service, secretFields(service));
    }

    private Set<String> secretFields(SenderService service) {
        if (!service.hasSecret()) {
            return Set.of();
        }
        try {
            return openSecret(service).keySet();
        } catch (RuntimeException unreadable) {
            // an unknown key version or a non-JSON secret: say a secret is there (has_secret), nothing more
            return Set.of();
        }
    }

    private Map<String, String> openSecret(SenderService service) {
        try {
            Map<String, String> fields = new LinkedHashMap<>();
            json.readTree(secretBox.open(service.getSecretCiphertext())).fields()
                    .forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText()));
            return fields;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored credentials are not JSON", e);
        }
    }

    private String encode(Map<String, String> sealed) {
        try {
            return json.writeValueAsString(sealed);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode credentials", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /**
     * The sealed plaintext is JSON: {@code password} and optionally {@code imap_password} (SMTP, see
     * {@link #apply}), {@code access_key_secret} (Aliyun), {@code api_key} (EngageLab).
     */
    private String sealedSecret(String field, String value) {
        try {
            return json.writeValueAsString(Map.of(field, value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode credentials", e);
        }
    }
}
