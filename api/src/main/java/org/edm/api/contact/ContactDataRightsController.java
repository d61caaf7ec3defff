package org.edm.api.contact;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/v1/contacts")
@Tag(name = "Contacts", description = "The operator's address book")
class ContactDataRightsController {

    private final ContactErasure erasure;

    ContactDataRightsController(ContactErasure erasure) {
        this.erasure = erasure;
    }

    @DeleteMapping("/{id:\\d+}")
    @Operation(summary = "Erase a contact everywhere (GDPR)",
            description = "Stops the contact's deliveries that no provider has been handed yet: pending ones end "
                    + "CANCELLED, ones a send batch has claimed but not yet marked attempted end SKIPPED (both with "
                    + "reason ERASED, their quota units refunded); a mail already handed to a provider when the "
                    + "erase commits may still arrive (at most that one per running task). Removes the contact "
                    + "and its labels, strips "
                    + "the contact link and personal fields (error texts, user agents, IP prefixes, event details) "
                    + "from its deliveries and events, and keeps only a SHA-256 of the address as a suppression "
                    + "(reason ERASED) so it is never mailed again. The owner's transactional messages (POST "
                    + "/api/v1/send) to the address keep their rows but show erased@erased.invalid instead of it, "
                    + "in the recipient and wherever subject, bodies or error quoted it; a queued one ends FAILED "
                    + "unsent. Recorded in the audit log without the address.")
    ContactErasure.Erased erase(@PathVariable long id) {
        return erasure.erase(id);
    }

    @GetMapping(value = "/{id:\\d+}/export", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Export everything held about a contact (JSON)")
    // the body is built by PostgreSQL (jsonb_build_object), so the schema is stated here rather than by a record
    @ApiResponse(responseCode = "200", description = "the contact, its suppression reason (or null), deliveries, "
            + "events and campaign labels", content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
            schema = @Schema(type = "object", requiredProperties = {"contact", "suppressed", "deliveries", "events",
                    "campaign_labels"})))
    ResponseEntity<String> export(@PathVariable long id) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(erasure.export(id));
    }
}
