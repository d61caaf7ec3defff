package org.edm.api.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The first admin, created or completed on start-up while no enabled admin can sign in ({@code edm.bootstrap.*},
 * from EDM_ADMIN_USERNAME / EDM_ADMIN_PASSWORD / EDM_ADMIN_EMAIL). The password is a secret: it is never logged.
 */
@ConfigurationProperties("edm.bootstrap")
public record FirstAdminSettings(String adminUsername, String adminPassword, String adminEmail) {

    boolean isSet() {
        return adminUsername != null && !adminUsername.isBlank() && adminPassword != null && !adminPassword.isEmpty();
    }

    @Override
    public String toString() {
        return "FirstAdminSettings[adminUsername=" + adminUsername + ", adminEmail=" + adminEmail + "]";
    }
}
