-- A task's audience is inserted by one INSERT .. SELECT of up to millions of rows, and per-row foreign-key triggers
-- were a large part of its cost (EXPLAIN ANALYZE at 200,000 rows: task_id 2.4 s, sender_service_id 0.5 s even
-- though it is NULL, contact_id and template_id more again). The references are kept by the code that writes and
-- deletes, not by triggers:
--   task_id, contact_id, template_id: the audience statement selects them from tasks, contacts and the task's
--     template set; tasks are deletable only before they start (no deliveries yet);
--   contact_id: erasure, the only way a contact goes away, nulls deliveries.contact_id explicitly;
--   sender_service_id: set by the claim from the locked service row; a service that has sent cannot be deleted
--     (the api answers 409 and suggests disabling it).
ALTER TABLE deliveries DROP CONSTRAINT deliveries_task_id_fkey;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_contact_id_fkey;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_template_id_fkey;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_sender_service_id_fkey;
