package org.edm.api.campaign;

import org.edm.domain.campaign.CampaignRepository;
import org.springframework.stereotype.Component;

import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Readable public ids for operators' campaigns (seed 004 flow 3, scenario A): {@code camp_<slug>_<6 base36>}, the
 * slug being the name's ASCII letters and digits (accents dropped, at most 12), e.g. {@code camp_bf2025_xyz789}.
 * A name with none (e.g. all Chinese) gives {@code camp_<8 base36>}. Unique per owner; the database's unique index
 * is the last word.
 */
@Component
class CampaignPublicIds {

    static final int SLUG_LENGTH = 12;
    private static final String BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final int ATTEMPTS = 5;

    private final CampaignRepository campaigns;
    private final SecureRandom random = new SecureRandom();

    CampaignPublicIds(CampaignRepository campaigns) {
        this.campaigns = campaigns;
    }

    String newFor(long ownerId, String name) {
        String slug = slug(name);
        String id = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            id = slug.isEmpty() ? "camp_" + random(8) : "camp_" + slug + "_" + random(6);
            if (!campaigns.existsByOwnerIdAndPublicId(ownerId, id)) {
                return id;
            }
        }
        return id; // 36^6 per slug: practically never here; the unique index turns a clash into a 409
    }

    static String slug(String name) {
        String ascii = Normalizer.normalize(name == null ? "" : name, Normalizer.Form.NFKD)
                .replaceAll("\\p{M}", "")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]", "");
        return ascii.length() > SLUG_LENGTH ? ascii.substring(0, SLUG_LENGTH) : ascii;
    }

    private String random(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(BASE36.charAt(random.nextInt(BASE36.length())));
        }
        return sb.toString();
    }
}
