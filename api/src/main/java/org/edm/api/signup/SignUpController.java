package org.edm.api.signup;

import jakarta.annotation.Nullable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.edm.api.security.CurrentUser;
import org.edm.api.audit.ChangesState;
import org.edm.domain.user.EmailVerification;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@SecurityRequirements // public: no token (see SecurityConfiguration)
@Tag(name = "Sign-up", description = "Developers register themselves with an e-mail address and a password, "
        + "then follow the link mailed to them (seed 004 flow 1)")
class SignUpController {

    private final SignUps signUps;
    private final CurrentUser currentUser;

    SignUpController(SignUps signUps, CurrentUser currentUser) {
        this.signUps = signUps;
        this.currentUser = currentUser;
    }

    @PostMapping("/v1/auth/sign-up")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Register: an inactive account with 100 free units, and a verification e-mail",
            description = "Always 202 with the same body, whether or not the address is registered already (nothing "
                    + "is written then). The account can sign in once the link in the e-mail has been followed "
                    + "(GET /v1/auth/verify). 400 for an invalid e-mail or a password of fewer than 10 characters; "
                    + "429 with Retry-After after edm.sign-up.max-per-email requests for one address or "
                    + "max-per-address from one client address within edm.sign-up.window (default 3 and 10 per "
                    + "hour); 404 when sign-up is switched off (EDM_SIGN_UP_ENABLED=false); 503 when Temporal "
                    + "cannot be reached (nothing registered).")
    @ApiResponse(responseCode = "202", description = "accepted (the same answer whether or not the address is taken)")
    @ApiResponse(responseCode = "404", description = "sign-up is switched off")
    @ApiResponse(responseCode = "429", description = "too many sign-up requests; Retry-After says for how many seconds")
    @ApiResponse(responseCode = "503", description = "Temporal cannot be reached; nothing was registered")
    Accepted signUp(@Valid @RequestBody SignUpRequest request) {
        signUps.signUp(request.email(), request.password(), currentUser.clientIp());
        return accepted();
    }

    @PostMapping("/v1/auth/resend-verification")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Mail a fresh verification link to an account that is still waiting for one",
            description = "Always 202 with the same body as sign-up; throttled together with it (429).")
    @ApiResponse(responseCode = "202", description = "accepted (the same answer whatever the address)")
    @ApiResponse(responseCode = "404", description = "sign-up is switched off")
    @ApiResponse(responseCode = "429", description = "too many requests; Retry-After says for how many seconds")
    @ApiResponse(responseCode = "503", description = "Temporal cannot be reached")
    Accepted resend(@Valid @RequestBody ResendRequest request) {
        signUps.resend(request.email(), currentUser.clientIp());
        return accepted();
    }

    @GetMapping("/v1/auth/verify")
    @ChangesState
    @Operation(summary = "Follow the link of a verification e-mail: the account becomes ACTIVE and can sign in",
            description = "Following it again is harmless (already_verified: true). 400 for an expired, altered "
                    + "or unknown link.")
    @ApiResponse(responseCode = "200", description = "verified (or already verified)")
    @ApiResponse(responseCode = "404", description = "sign-up is switched off")
    Verified verify(@Parameter(description = "the token of the mailed link") @RequestParam String token) {
        EmailVerification.Verified verified = signUps.verify(token);
        return new Verified("ACTIVE", verified.alreadyVerified(),
                new VerifiedUser(verified.userId(), signUps.usernameOf(verified.userId())),
                "your e-mail address is verified; sign in with POST /v1/auth/sign-in");
    }

    private Accepted accepted() {
        return new Accepted("ACCEPTED", "if this address can be registered, a verification e-mail is on its way; "
                + "follow its link within " + signUps.linkLifetime().toHours() + " hours to activate the account");
    }

    record SignUpRequest(
            @NotBlank @Size(max = 100) @Schema(example = "dev@mycompany.com") String email,
            @NotNull @Size(max = 1000) @Schema(description = "at least 10 characters") String password) {

        @Override
        public String toString() {
            return "SignUpRequest[email hidden, password hidden]";
        }
    }

    record ResendRequest(@NotBlank @Size(max = 100) String email) {

        @Override
        public String toString() {
            return "ResendRequest[email hidden]";
        }
    }

    /** The same for every address, so it tells nothing about which addresses are registered. */
    record Accepted(String status, @Nullable String detail) {
    }

    /** {@code user} names the person whose account this activated (the audit trail's actor). */
    record Verified(String status, boolean alreadyVerified, @Nullable VerifiedUser user, @Nullable String detail) {
    }

    record VerifiedUser(long id, String username) {
    }
}
