-- Indexes that serve the admin lists newest first / by key (decision 0035).

-- The flag list's first page walks the active flags of a project in key order.
create index flag_active_by_key on flag (project_id, key) where archived_at is null;

-- Audit filters, each followed by the id so that "newest first, below the cursor" is an
-- index range and the walk stops after one page. Resource keys are indexed
-- byte-wise (SQLite compares text by bytes) so that a key prefix is an index range.
create index audit_by_project on audit (project_key, id);
drop index audit_by_resource;
create index audit_by_resource on audit (resource_type, id);
create index audit_by_resource_key on audit (resource_key, id);
drop index audit_by_actor;
create index audit_by_actor on audit (actor, id);

-- A webhook's delivery log, newest first.
create index webhook_delivery_by_webhook_id on webhook_delivery (webhook_id, id);
