package org.edm.api.signup;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Self sign-up ({@code edm.sign-up.*}). The link's key and lifetime are read by
 * {@link org.edm.domain.user.EmailVerificationConfiguration}, because the worker needs them too.
 *
 * @param enabled       off on a private install: the sign-up endpoints answer 404 (following a link already sent
 *                      still works)
 * @param freeUnits     quota units a new account gets through the ledger (reason SIGN_UP_GRANT)
 * @param maxPerEmail   sign-up and resend requests for one address within {@code window}; more answer 429
 * @param maxPerAddress sign-up and resend requests from one client address within {@code window}; more answer 429
 * @param window        see above
 */
@ConfigurationProperties("edm.sign-up")
public record SignUpSettings(@DefaultValue("true") boolean enabled,
                             @DefaultValue("100") long freeUnits,
                             @DefaultValue("3") int maxPerEmail,
                             @DefaultValue("10") int maxPerAddress,
                             @DefaultValue("1h") Duration window) {

    public SignUpSettings {
        if (freeUnits < 0 || maxPerEmail < 1 || maxPerAddress < 1) {
            throw new IllegalArgumentException("edm.sign-up: free-units must be >= 0, max-per-* must be >= 1");
        }
    }
}
