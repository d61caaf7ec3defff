package org.edm.api.send;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * The body of POST /api/v1/send. Deliberately not Bean-Validated at binding: the seed fixes the order of the
 * answers (401, 402, 400 for {@code from}, then 400 for the other fields), so {@link ApiSends} checks the fields
 * itself after quota and sender. {@code to} is one address or an array of them.
 */
record SendRequest(
        @ArraySchema(schema = @Schema(example = "alice@example.com"), minItems = 1, maxItems = ApiSends.MAX_RECIPIENTS)
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> to,
        @Schema(example = "Your password reset link") String subject,
        @Schema(example = "<p>Hello! <a href=\"https://example.com/reset?t=1\">Reset</a></p>") String html,
        @Schema(description = "plain-text alternative", nullable = true) String text,
        @Schema(example = "service@mycompany.com", description = "one of your NORMAL sender mailboxes") String from,
        @Schema(example = "password-reset-v2", nullable = true,
                description = "a campaign's public id; an unknown one creates a campaign (origin API) with that id")
        String campaignId,
        @Schema(nullable = true, description = "extra headers, e.g. {\"X-Entity-Ref-ID\": \"123\"}")
        Map<String, String> headers,
        @Schema(nullable = true) List<String> tags) {
}
