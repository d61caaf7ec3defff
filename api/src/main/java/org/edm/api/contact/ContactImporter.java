package org.edm.api.contact;

import org.edm.api.security.CurrentUser;
import org.edm.api.support.Addresses;
import org.edm.api.support.FieldProblem;
import org.edm.api.support.InvalidInputException;
import org.edm.domain.contact.ContactImport;
import org.edm.domain.contact.ContactRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Imports contacts all-or-nothing: the whole list is validated before anything is written, and then written in
 * one transaction, so a bad address on row 9,000 leaves the address book exactly as it was.
 */
@Service
class ContactImporter {

    static final int MAX_ROWS = 10_000;
    static final int MAX_TAGS = 50;
    static final int MAX_TAG_LENGTH = 100;
    private static final int MAX_REPORTED_PROBLEMS = 100;

    private final ContactRepository contacts;
    private final CurrentUser currentUser;

    ContactImporter(ContactRepository contacts, CurrentUser currentUser) {
        this.contacts = contacts;
        this.currentUser = currentUser;
    }

    @Transactional
    ImportResult importAll(List<ContactImportRow> rows) {
        List<ContactImport> valid = validate(rows);
        int created = contacts.upsertAll(currentUser.id(), valid);
        ImportResult result = new ImportResult(rows.size(), valid.size(), created, valid.size() - created);
        // one summary row, not one per contact: an import may hold thousands
        return result;
    }

    /**
     * Checks every row and reports each bad one by index and address; merges rows that repeat an address
     * (case-insensitively): tags are united, the last nickname given wins.
     */
    private static List<ContactImport> validate(List<ContactImportRow> rows) {
        if (rows.isEmpty()) {
            throw new InvalidInputException("", "the import is empty: send a JSON array of contacts");
        }
        if (rows.size() > MAX_ROWS) {
            throw new InvalidInputException("", "at most " + MAX_ROWS + " contacts per import, got " + rows.size()
                    + "; split the list");
        }
        List<FieldProblem> problems = new ArrayList<>();
        Map<String, ContactImport> byAddress = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            ContactImportRow row = rows.get(i);
            String at = "[" + i + "]";
            if (row == null) {
                problems.add(new FieldProblem(at, "contact #" + i + " is null"));
                continue;
            }
            String email = row.email() == null ? null : row.email().trim();
            if (email == null || email.isEmpty()) {
                problems.add(new FieldProblem(at + ".email", "contact #" + i + " has no e-mail address"));
            } else if (!Addresses.isEmail(email)) {
                problems.add(new FieldProblem(at + ".email",
                        "contact #" + i + ": '" + email + "' is not a valid e-mail address"));
            }
            String nickname = row.nickname() == null || row.nickname().isBlank() ? null : row.nickname().trim();
            if (nickname != null && nickname.length() > 255) {
                problems.add(new FieldProblem(at + ".nickname", "contact #" + i + ": nickname longer than 255"));
            }
            Set<String> tags = new LinkedHashSet<>();
            List<String> given = row.tags() == null ? List.of() : row.tags();
            for (int t = 0; t < given.size(); t++) {
                String tag = given.get(t) == null ? "" : given.get(t).trim();
                if (tag.isEmpty() || tag.length() > MAX_TAG_LENGTH) {
                    problems.add(new FieldProblem(at + ".tags[" + t + "]", "contact #" + i
                            + ": a tag must have 1 to " + MAX_TAG_LENGTH + " characters"));
                } else {
                    tags.add(tag);
                }
            }
            if (tags.size() > MAX_TAGS) {
                problems.add(new FieldProblem(at + ".tags", "contact #" + i + ": at most " + MAX_TAGS + " tags"));
            }
            if (problems.size() >= MAX_REPORTED_PROBLEMS) {
                break;
            }
            if (problems.isEmpty()) {
                byAddress.merge(email.toLowerCase(Locale.ROOT), new ContactImport(email, nickname, List.copyOf(tags)),
                        ContactImporter::mergeRepeated);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return List.copyOf(byAddress.values());
    }

    private static ContactImport mergeRepeated(ContactImport first, ContactImport again) {
        Set<String> tags = new LinkedHashSet<>(first.tags());
        tags.addAll(again.tags());
        return new ContactImport(first.email(), again.nickname() != null ? again.nickname() : first.nickname(),
                List.copyOf(tags));
    }
}
