-- F14: a sender name is unique across all users, ignoring case (News@ and news@ are one mailbox name).
ALTER TABLE sender_names DROP CONSTRAINT IF EXISTS sender_names_local_part_key;
CREATE UNIQUE INDEX sender_names_local_part_ci ON sender_names (lower(local_part));
CREATE INDEX sender_names_user ON sender_names (user_id);
CREATE INDEX tasks_owner_sender_name ON tasks (owner_id, lower(sender_name));

-- names tasks already use become their owners' sender names (the first owner keeps a name two users shared)
INSERT INTO sender_names (user_id, local_part)
SELECT DISTINCT ON (lower(sender_name)) owner_id, sender_name FROM tasks ORDER BY lower(sender_name), owner_id
ON CONFLICT DO NOTHING;
