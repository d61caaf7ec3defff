package org.edm.api.sending;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.edm.api.sending.SendingViews.MailboxView;
import org.edm.api.support.EmailLocalPart;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@Tag(name = "Sender mailboxes", description = "Addresses on your verified domains that API sends go out from; "
        + "provisioned at Aliyun DirectMail, SMTP credentials kept sealed and never shown")
class MailboxController {

    private final SenderMailboxes mailboxes;

    MailboxController(SenderMailboxes mailboxes) {
        this.mailboxes = mailboxes;
    }

    record MailboxRequest(@NotBlank @EmailLocalPart String localPart) {
    }

    @PostMapping("/v1/domains/{id}/mailboxes")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add a sender mailbox local_part@domain",
            description = "Answers at once with status PROVISIONING; the workflow sender-mailbox-{id} creates the "
                    + "address at Aliyun DirectMail and stores its SMTP credentials sealed. Poll GET "
                    + "/v1/mailboxes/{id}: NORMAL when ready, FAILED with failure_reason otherwise.")
    @ApiResponse(responseCode = "201", description = "Added; status PROVISIONING")
    @ApiResponse(responseCode = "400", description = "Not a valid local part")
    @ApiResponse(responseCode = "404", description = "No such domain of yours")
    @ApiResponse(responseCode = "409", description = "The domain is not VERIFIED, or the address exists already")
    @ApiResponse(responseCode = "503", description = "Temporal unreachable; nothing was added")
    MailboxView create(@PathVariable long id, @Valid @RequestBody MailboxRequest request) {
        return mailboxes.create(id, request.localPart());
    }

    @GetMapping("/v1/domains/{id}/mailboxes")
    @Operation(summary = "The sender mailboxes of one of your domains")
    @ApiResponse(responseCode = "200", description = "The mailboxes")
    @ApiResponse(responseCode = "404", description = "No such domain of yours")
    List<MailboxView> listOfDomain(@PathVariable long id) {
        return mailboxes.listOfDomain(id);
    }

    @GetMapping("/v1/mailboxes")
    @Operation(summary = "All your sender mailboxes")
    List<MailboxView> list() {
        return mailboxes.list();
    }

    @GetMapping("/v1/mailboxes/{id}")
    @Operation(summary = "One sender mailbox: status, and why provisioning failed if it did")
    @ApiResponse(responseCode = "200", description = "The mailbox")
    @ApiResponse(responseCode = "404", description = "No such mailbox of yours")
    MailboxView get(@PathVariable long id) {
        return mailboxes.get(id);
    }

    @DeleteMapping("/v1/mailboxes/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a sender mailbox (API sends can no longer use it)",
            description = "The address stays registered in the platform's DirectMail account; adding it again reuses it.")
    @ApiResponse(responseCode = "404", description = "No such mailbox of yours")
    @ApiResponse(responseCode = "409", description = "Still PROVISIONING")
    void delete(@PathVariable long id) {
        mailboxes.delete(id);
    }
}
