package org.edm.api.webhook;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Aliyun accounts whose MNS topics may push DirectMail events. MNS signs every customer's pushes with the same
 * certificates, so a valid signature only says "some MNS topic": without this list any Aliyun account could push
 * forged events to our endpoint. Unset, every push is refused (with a log line at start-up and per refusal), unless
 * the development flag {@code edm.webhooks.aliyun-mns.allow-any-topic-owner} says otherwise.
 */
final class MnsTopicOwners {

    private static final Logger log = LoggerFactory.getLogger(MnsTopicOwners.class);

    private final Set<String> owners;
    private final boolean allowAny;

    private MnsTopicOwners(Set<String> owners, boolean allowAny) {
        this.owners = owners;
        this.allowAny = allowAny;
    }

    /** {@code csv}: comma-separated account ids; {@code allowAnyWhenUnset}: the development flag. */
    static MnsTopicOwners of(String csv, boolean allowAnyWhenUnset) {
        Set<String> owners = Arrays.stream(csv == null ? new String[0] : csv.split(",")).map(String::trim)
                .filter(o -> !o.isEmpty()).collect(Collectors.toUnmodifiableSet());
        if (owners.isEmpty() && allowAnyWhenUnset) {
            log.warn("EDM_MNS_TOPIC_OWNERS is unset and edm.webhooks.aliyun-mns.allow-any-topic-owner is true: any "
                    + "Aliyun account's MNS topic may push DirectMail events (development only)");
        } else if (owners.isEmpty()) {
            log.warn("EDM_MNS_TOPIC_OWNERS is unset: every MNS push to /webhooks/aliyun-dm is refused until it names "
                    + "the Aliyun account id(s) that own the DirectMail topics");
        }
        return new MnsTopicOwners(owners, owners.isEmpty() && allowAnyWhenUnset);
    }

    boolean configured() {
        return !owners.isEmpty();
    }

    boolean allows(String topicOwner) {
        return allowAny || (topicOwner != null && owners.contains(topicOwner.trim()));
    }
}
