-- Code references: where a project's flag keys appear in source code, as `vexil refs scan
-- --upload` found them. One scan per repository of a project: a new upload replaces the
-- repository's previous one, so the numbers are always those of the latest scan.
create table code_ref_scan (
    id integer primary key autoincrement,
    project_id bigint not null references project (id) on delete cascade,
    -- The repository's name as the uploader gave it (e.g. "github.com/acme/shop").
    repository text not null,
    -- The commit and branch scanned; '' when not given.
    commit_sha text not null default '',
    branch text not null default '',
    -- When the tree was scanned and when the result arrived, in ms since the epoch.
    scanned_at bigint not null,
    uploaded_at bigint not null,
    -- The audit actor of the upload.
    uploaded_by text not null,
    unique (project_id, repository)
);

-- Per scan, the keys it found. By key, not flag id: a scan may find keys that are no
-- flag (yet, or any more), and a flag created later is matched by its key.
create table code_ref (
    scan_id bigint not null references code_ref_scan (id) on delete cascade,
    flag_key text not null,
    -- How many places mention the key in the repository.
    ref_count bigint not null,
    -- JSON array of up to 20 {"path", "line"} objects: the first places found.
    locations text not null default '[]',
    primary key (scan_id, flag_key)
);
create index code_ref_by_key on code_ref (flag_key);
