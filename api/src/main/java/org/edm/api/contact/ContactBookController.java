package org.edm.api.contact;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** One contact, its tags, the tags in use and the live audience count of a recipient rule (the web console's). */
@RestController
@RequestMapping("/v1/contacts")
@Tag(name = "Contacts", description = "The operator's address book")
class ContactBookController {

    private final ContactBook book;

    ContactBookController(ContactBook book) {
        this.book = book;
    }

    /**
     * @param nickname shown in mail as {{nickname}}; empty removes it
     * @param tags     the contact's whole tag list (replaces the old one; [] removes every tag)
     */
    record ContactUpdate(@Size(max = 200) String nickname,
                         @NotNull @Size(max = ContactImporter.MAX_TAGS)
                         @ArraySchema(maxItems = ContactImporter.MAX_TAGS, schema = @Schema(type = "string",
                                 minLength = 1, maxLength = ContactImporter.MAX_TAG_LENGTH, pattern = NON_BLANK))
                         List<String> tags) {
    }

    @GetMapping("/{id:\\d+}")
    @Operation(summary = "One of your contacts")
    // explicit: springdoc writes no default 200 once an operation declares other responses
    @ApiResponse(responseCode = "200", description = "the contact", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ContactView.class)))
    @ApiResponse(responseCode = "404", description = "no such contact of yours",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    ContactView get(@PathVariable long id) {
        return book.get(id);
    }

    @PutMapping("/{id:\\d+}")
    @Operation(summary = "Edit a contact's nickname and tags",
            description = "Replaces the tag list (the import only adds tags). At most 50 tags of 1 to 100 characters; "
                    + "kept sorted and distinct. The address cannot change: erase the contact and import the new one.")
    // explicit: springdoc writes no default 200 once an operation declares other responses
    @ApiResponse(responseCode = "200", description = "the contact as saved", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ContactView.class)))
    @ApiResponse(responseCode = "400", description = "a bad tag, named by index (tags[2])",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "404", description = "no such contact of yours",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    ContactView update(@PathVariable long id, @Valid @RequestBody ContactUpdate update) {
        return book.update(id, update.nickname(), update.tags());
    }

    @GetMapping("/tags")
    @Operation(summary = "The tags your contacts carry, with how many carry each (alphabetical, at most 1,000)")
    List<ContactBook.TagCount> tags() {
        return book.tags();
    }

    /** A tag is trimmed; one of only spaces or control characters is refused (ContactBook.tagList). */
    private static final String NON_BLANK = "[^\\u0000-\\u0020]";

    @GetMapping("/audience-count")
    @Operation(summary = "How many contacts a recipient rule selects now (the planned audience)",
            description = "The same count a task with this rule reserves quota for: your contacts with ANY (or ALL) "
                    + "of include_tags, minus those with any exclude_tags, minus suppressed addresses. System-label "
                    + "conditions cannot be counted before the campaign sends; they are left out and "
                    + "labels_ignored is true (the count is then an upper bound).")
    @ApiResponse(responseCode = "200", description = "the count", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE,
            schema = @Schema(implementation = ContactBook.AudienceCount.class)))
    @ApiResponse(responseCode = "400", description = "no include_tags, a bad tag, match or label (named)",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    ContactBook.AudienceCount audienceCount(
            @Parameter(required = true, array = @ArraySchema(minItems = 1, maxItems = ContactImporter.MAX_TAGS,
                    schema = @Schema(type = "string", minLength = 1, maxLength = ContactImporter.MAX_TAG_LENGTH,
                            pattern = NON_BLANK)))
            @RequestParam(name = "include_tags", required = false) List<String> includeTags,
            @Parameter(schema = @Schema(allowableValues = {"ANY", "ALL"}, defaultValue = "ANY"))
            @RequestParam(required = false) String match,
            @Parameter(array = @ArraySchema(maxItems = ContactImporter.MAX_TAGS, schema = @Schema(type = "string",
                    minLength = 1, maxLength = ContactImporter.MAX_TAG_LENGTH, pattern = NON_BLANK)))
            @RequestParam(name = "exclude_tags", required = false) List<String> excludeTags,
            @Parameter(array = @ArraySchema(schema = @Schema(type = "string", allowableValues = {
                    "opened_in_campaign", "unopened_in_campaign", "clicked_in_campaign", "replied_in_campaign",
                    "unreplied_in_campaign"})))
            @RequestParam(name = "include_labels", required = false) List<String> includeLabels,
            @Parameter(array = @ArraySchema(schema = @Schema(type = "string", allowableValues = {
                    "opened_in_campaign", "unopened_in_campaign", "clicked_in_campaign", "replied_in_campaign",
                    "unreplied_in_campaign"})))
            @RequestParam(name = "exclude_labels", required = false) List<String> excludeLabels) {
        return book.countAudience(includeTags, match, excludeTags, includeLabels, excludeLabels);
    }
}
