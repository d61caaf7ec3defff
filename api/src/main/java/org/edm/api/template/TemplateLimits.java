package org.edm.api.template;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What a template may be when it is saved ({@code edm.templates.*}). A template is rendered once per recipient on a
 * sender service shared by every user, so one the renderer cannot handle must be refused here, not at send time.
 *
 * @param maxBodyBytes    the largest subject or body, in UTF-8 bytes (default 512 KiB)
 * @param maxNestingDepth how deep sections ({@code {{#a}}...{{/a}}}, {@code {{^a}}}) may nest (default 20)
 */
@ConfigurationProperties("edm.templates")
public record TemplateLimits(@DefaultValue("524288") int maxBodyBytes, @DefaultValue("20") int maxNestingDepth) {
}
