-- "Sent to in campaign X" (the fact behind unopened_in_campaign and unreplied_in_campaign) is now read from the
-- campaign's SENT deliveries (RecipientRule.SENT_IN_CAMPAIGN_JOIN) instead of a label the send path wrote per mail
-- (issue 12). Nothing reads or writes campaign_contact_labels.sent_at any more.
--
-- The stored values need no backfill: each was written from a SENT delivery of the campaign, and deliveries are kept
-- (no retention; erasing a contact unlinks its deliveries and deletes its labels in one transaction), so the derived
-- fact holds every contact the column held. The column is not dropped in this release: a worker of the previous
-- release that is still sending during a rolling upgrade writes it in its per-group statement, and a statement that
-- failed there would leave that group UNKNOWN instead of SENT. Drop it in a later release.
COMMENT ON COLUMN campaign_contact_labels.sent_at IS
    'unused since V151: "sent in the campaign" is derived from SENT deliveries; kept for workers of the release before, to be dropped';
