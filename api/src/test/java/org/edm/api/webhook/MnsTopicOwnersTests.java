package org.edm.api.webhook;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** EDM_MNS_TOPIC_OWNERS: unset refuses every account unless the development flag allows any. */
class MnsTopicOwnersTests {

    @Test
    void unsetRefusesEveryAccountByDefault() {
        MnsTopicOwners owners = MnsTopicOwners.of("", false);
        assertThat(owners.configured()).isFalse();
        assertThat(owners.allows("1234567890123456")).isFalse();
        assertThat(owners.allows(null)).isFalse();
    }

    @Test
    void theDevelopmentFlagAllowsAnyOnlyWhileUnset() {
        assertThat(MnsTopicOwners.of(" ", true).allows("1234567890123456")).isTrue();
        assertThat(MnsTopicOwners.of("111, 222", true).allows("333")).isFalse();
    }

    @Test
    void configuredOwnersAreTheOnlyOnesAllowed() {
        MnsTopicOwners owners = MnsTopicOwners.of("111, 222", false);
        assertThat(owners.allows("222")).isTrue();
        assertThat(owners.allows("333")).isFalse();
        assertThat(owners.allows(null)).isFalse();
    }
}
