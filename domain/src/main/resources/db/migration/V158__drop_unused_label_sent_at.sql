-- V151 left campaign_contact_labels.sent_at unused ("sent in the campaign" is read from the campaign's SENT
-- deliveries) and kept it for workers of the release before, which still wrote it during a rolling upgrade. Those
-- workers are long gone: every release since V156 stops the previous release's workers before starting its own
-- (README, "Upgrading"). Dropping a column changes the catalogue only (no rewrite, whatever the table's size); the
-- statement waits for a moment's exclusive lock on the table.
ALTER TABLE campaign_contact_labels DROP COLUMN sent_at;
