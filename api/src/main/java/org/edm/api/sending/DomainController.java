package org.edm.api.sending;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.edm.api.sending.SendingViews.DomainView;
import org.edm.api.support.DomainName;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@RequestMapping("/v1/domains")
@Tag(name = "Sending domains", description = "Your domains, the DNS records to publish for them (SPF, DKIM, DMARC, "
        + "return-path MX, ownership) and their verification status")
class DomainController {

    private final SendingDomains domains;

    DomainController(SendingDomains domains) {
        this.domains = domains;
    }

    record DomainRequest(@NotBlank @Size(max = 253) @DomainName String name) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add a sending domain",
            description = "Generates its DKIM key pair and ownership token and answers the records to publish at "
                    + "your DNS provider. The workflow domain-{id} then registers the domain at Aliyun DirectMail, "
                    + "whose own records (PROVIDER_*) join `records` once stored (`provider_registration` DONE; "
                    + "right after adding it is PENDING and they are not listed yet), and checks them all: after 1 "
                    + "min, then at doubling intervals up to 1 h, for 72 h (then EXPIRED). VERIFIED once every "
                    + "required record matches and DirectMail's own check passes too.")
    @ApiResponse(responseCode = "201", description = "Added; status PENDING, provider_registration PENDING, our "
            + "records to publish in `records` (DirectMail's follow when the workflow has stored them)")
    @ApiResponse(responseCode = "400", description = "Not a domain name")
    @ApiResponse(responseCode = "409", description = "You have added this domain already")
    @ApiResponse(responseCode = "503", description = "Temporal unreachable; nothing was added")
    DomainView create(@Valid @RequestBody DomainRequest request) {
        return domains.create(request.name());
    }

    @GetMapping
    @Operation(summary = "Your sending domains, with their records")
    List<DomainView> list() {
        return domains.list();
    }

    @GetMapping("/{id}")
    @Operation(summary = "One domain: status, and per record the expected value vs the last observed one",
            description = "Also DirectMail's side: `provider_registration` (PENDING, DONE, FAILED, NOT_CONFIGURED), "
                    + "`provider_reason` (why DirectMail refused or has not verified the domain yet), and per record "
                    + "`provider_status` (VERIFIED / REFUSED, null where DirectMail does not judge it) with "
                    + "`provider_reason` saying what to publish.")
    @ApiResponse(responseCode = "200", description = "The domain")
    @ApiResponse(responseCode = "404", description = "No such domain of yours")
    DomainView get(@PathVariable long id) {
        return domains.get(id);
    }

    @PostMapping("/{id}/verify")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Check the records now",
            description = "Signals the domain's workflow to look the records up at once (the result shows in GET a "
                    + "moment later). On an EXPIRED domain, checking starts over for another 72 h.")
    @ApiResponse(responseCode = "202", description = "The check is on its way")
    @ApiResponse(responseCode = "404", description = "No such domain of yours")
    @ApiResponse(responseCode = "503", description = "Temporal unreachable")
    DomainView verify(@PathVariable long id) {
        return domains.verify(id);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a domain that has no sender mailboxes")
    @ApiResponse(responseCode = "404", description = "No such domain of yours")
    @ApiResponse(responseCode = "409", description = "The domain still has sender mailboxes")
    void delete(@PathVariable long id) {
        domains.delete(id);
    }
}
