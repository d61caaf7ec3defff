package org.edm.api.contact;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.edm.api.support.PageView;
import org.edm.api.support.Paging;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;

@RestController
@RequestMapping("/v1/contacts")
@Tag(name = "Contacts", description = "The operator's address book")
class ContactController {

    static final int MAX_PAGE_SIZE = 500;

    private final ContactImporter importer;
    private final ContactBook book;
    private final ContactImportReader reader;

    ContactController(ContactImporter importer, ContactImportReader reader, ContactBook book) {
        this.importer = importer;
        this.book = book;
        this.reader = reader;
    }

    @PostMapping(value = "/import", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Import contacts (all or nothing)",
            description = "A JSON array of {email, nickname, tags}. Addresses match existing contacts "
                    + "case-insensitively: a match keeps its id, takes the new nickname when one is given and gains "
                    + "the new tags. Any invalid row rejects the whole import with 400 naming each bad row by index "
                    + "and address; nothing is written. At most " + ContactImporter.MAX_ROWS + " rows (the body is "
                    + "read as a stream and refused with 400 at row " + (ContactImporter.MAX_ROWS + 1) + ") and at "
                    + "most edm.limits.import-body bytes (default 10 MB; larger is 413).",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    array = @ArraySchema(schema = @Schema(implementation = ContactImportRow.class),
                            minItems = 1, maxItems = ContactImporter.MAX_ROWS))))
    @ApiResponse(responseCode = "200", description = "imported")
    @ApiResponse(responseCode = "400", description = "a bad row (named by index), malformed JSON, or too many rows",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "413", description = "the body is larger than edm.limits.import-body",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    ImportResult importContacts(HttpServletRequest request) throws IOException {
        return importer.importAll(reader.read(request));
    }

    @GetMapping
    @Operation(summary = "List contacts, optionally only those with a tag and/or whose address or nickname "
            + "contains q (case-insensitive); pages start at 0")
    PageView<ContactView> list(@RequestParam(required = false) String tag,
                               @RequestParam(required = false) String q,
                               @RequestParam(defaultValue = "0") @Min(0) @Max(Paging.MAX_PAGE) int page,
                               @RequestParam(defaultValue = "50") @Min(1) @Max(MAX_PAGE_SIZE) int size) {
        return book.search(tag, q, page, size);
    }
}
