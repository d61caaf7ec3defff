package org.edm.api.contact;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.servlet.http.HttpServletRequest;
import org.edm.api.support.InvalidInputException;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an import body as a stream, one row at a time, and stops at row {@link ContactImporter#MAX_ROWS} + 1: a
 * huge array is refused after reading what the limit allows, not after parsing all of it (the body size itself is
 * bounded by {@code edm.limits.import-body}). Malformed JSON and bad fields surface as the same 400s as any other
 * JSON body, with the row index in the field path ({@code [3].email}).
 */
@Component
class ContactImportReader {

    private final ObjectMapper json;
    private final ObjectReader rowReader;

    ContactImportReader(ObjectMapper json) {
        this.json = json;
        this.rowReader = json.readerFor(ContactImportRow.class);
    }

    List<ContactImportRow> read(HttpServletRequest request) throws IOException {
        try (JsonParser parser = json.createParser(request.getInputStream())) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new InvalidInputException("", "the import is empty: send a JSON array of contacts");
            }
            if (first != JsonToken.START_ARRAY) {
                throw MismatchedInputException.from(parser, List.class, "expected a JSON array of contacts");
            }
            List<ContactImportRow> rows = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (rows.size() == ContactImporter.MAX_ROWS) {
                    throw new InvalidInputException("", "at most " + ContactImporter.MAX_ROWS
                            + " contacts per import; split the list");
                }
                try {
                    rows.add(parser.currentToken() == JsonToken.VALUE_NULL ? null : rowReader.readValue(parser));
                } catch (JsonMappingException e) {
                    throw JsonMappingException.wrapWithPath(e, rows, rows.size());
                }
            }
            return rows;
        } catch (JsonProcessingException e) {
            // the same 400 (with the field path) as a body Spring reads itself
            throw new HttpMessageNotReadableException("the import is not a valid JSON array of contacts: "
                    + e.getOriginalMessage(), e, new ServletServerHttpRequest(request));
        }
    }
}
