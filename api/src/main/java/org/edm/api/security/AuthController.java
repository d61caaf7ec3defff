package org.edm.api.security;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;

@RestController
@Tag(name = "Sign-in", description = "Bearer tokens for the api: sign in with username and password, sign out")
class AuthController {

    private final SignIn signIn;
    private final AuthTokens tokens;
    private final ClientAddress clientAddress;

    AuthController(SignIn signIn, AuthTokens tokens, ClientAddress clientAddress) {
        this.signIn = signIn;
        this.tokens = tokens;
        this.clientAddress = clientAddress;
    }

    @PostMapping("/v1/auth/sign-in")
    @SecurityRequirements // public
    @Operation(summary = "Sign in; send the token as 'Authorization: Bearer <token>' until expires_at",
            description = "401 'wrong username or password' whether or not the username exists. 429 with "
                    + "Retry-After (seconds) when the username is locked for this client address "
                    + "(edm.security.max-failed-sign-ins failures from it lock it there for "
                    + "edm.security.lock-duration, doubling with each further failure up to max-lock-duration; "
                    + "default 5 failures, 15 min; an IPv6 client counts by its /64; other addresses are not "
                    + "locked) or the client address made too many failed attempts (default 20 in 15 min). "
                    + "Each sign-in is a separate session; a user may be signed in on several devices at once.")
    @ApiResponse(responseCode = "200", description = "signed in: the token and who it is for")
    @ApiResponse(responseCode = "401", description = "wrong username or password")
    @ApiResponse(responseCode = "429", description = "locked or throttled; Retry-After says for how many seconds")
    SignInResponse signIn(@Valid @RequestBody SignInRequest request, HttpServletRequest http) {
        SignIn.Result result = signIn.signIn(request.username(), request.password(), clientAddress.of(http));
        // the rest of this request (e.g. an audit record of the sign-in) acts as the user who just signed in
        SecurityContextHolder.getContext().setAuthentication(new BearerAuthentication(new EdmPrincipal(
                result.user().id(), result.user().username(), "ADMIN".equals(result.user().role())),
                result.token().id()));
        return new SignInResponse(result.token().token(), result.token().expiresAt(), result.user());
    }

    record SignInRequest(@NotBlank @Size(max = 100) String username, @NotNull @Size(max = 1000) String password) {

        @Override
        public String toString() {
            return "SignInRequest[username=" + username + "]";
        }
    }

    record SignInResponse(String token, Instant expiresAt, SignIn.UserSummary user) {

        @Override
        public String toString() {
            return "SignInResponse[expiresAt=" + expiresAt + ", user=" + user + "]";
        }
    }

    @PostMapping("/v1/auth/sign-out")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "signOut", summary = "Sign out: the presented token stops working; other sessions of the user go on")
    void signOut() {
        SignedInUser.tokenId().ifPresent(tokens::revoke);
    }
}
