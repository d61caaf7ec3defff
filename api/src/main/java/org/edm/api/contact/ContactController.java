package org.edm.api.contact;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.PageView;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@RequestMapping("/v1/contacts")
@Tag(name = "Contacts", description = "The operator's address book")
class ContactController {

    static final int MAX_PAGE_SIZE = 500;

    private final ContactImporter importer;

    ContactController(ContactImporter importer) {
        this.importer = importer;
    }

    @PostMapping("/import")
    @Operation(summary = "Import contacts (all or nothing)",
            description = "A JSON array of {email, nickname, tags}. Addresses match existing contacts "
                    + "case-insensitively: a match keeps its id, takes the new nickname when one is given and gains "
                    + "the new tags. Any invalid row rejects the whole import with 400 naming each bad row by index "
                    + "and address; nothing is written. At most " + ContactImporter.MAX_ROWS + " rows.")
    ImportResult importContacts(@RequestBody List<ContactImportRow> rows) {
        return importer.importAll(rows);
    }

    @GetMapping
    @Operation(summary = "List contacts, optionally only those with a tag; pages start at 0")
    PageView<ContactView> list(@RequestParam(required = false) String tag,
                               @RequestParam(defaultValue = "0") int page,
                               @RequestParam(defaultValue = "50") int size) {
        if (page < 0) {
            throw new InvalidInputException("page", "must be 0 or more");
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new InvalidInputException("size", "must be between 1 and " + MAX_PAGE_SIZE);
        }
        return importer.list(tag, page, size);
    }
}
