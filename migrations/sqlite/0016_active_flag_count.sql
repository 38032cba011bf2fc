-- The number of active (not archived) flags of each project, kept by the write path
-- (insert, archive, restore, delete), so that the flag limit is checked without counting
-- the project's flags on every create (decision 0037).
alter table project add column active_flags bigint not null default 0;
update project set active_flags =
    (select count(*) from flag f where f.project_id = project.id and f.archived_at is null);
