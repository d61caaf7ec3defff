package org.edm.api.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import java.util.Optional;

/** {@link CurrentUser} from the SecurityContext that {@link BearerTokenFilter} fills for each request. */
@Component
class SignedInUser implements CurrentUser {

    private final ClientAddress clientAddress;

    SignedInUser(ClientAddress clientAddress) {
        this.clientAddress = clientAddress;
    }

    @Override
    public long id() {
        return principal().orElseThrow(() -> new IllegalStateException("nobody is signed in on this request")).id();
    }

    @Override
    public boolean isAdmin() {
        return principal().map(EdmPrincipal::admin).orElse(false);
    }

    @Override
    public boolean isSignedIn() {
        return principal().isPresent();
    }

    @Override
    public Optional<Long> apiKeyId() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication instanceof ApiKeyAuthentication key ? Optional.of(key.keyId()) : Optional.empty();
    }

    @Override
    public String clientIp() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                ? clientAddress.of(attributes.getRequest()) : null;
    }

    static Optional<EdmPrincipal> principal() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof EdmPrincipal p
                ? Optional.of(p) : Optional.empty();
    }

    static Optional<Long> tokenId() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication instanceof BearerAuthentication b ? Optional.ofNullable(b.tokenId()) : Optional.empty();
    }

    static HttpServletRequest currentRequest() {
        return ((ServletRequestAttributes) RequestContextHolder.currentRequestAttributes()).getRequest();
    }
}
