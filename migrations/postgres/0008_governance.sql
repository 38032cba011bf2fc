-- Governance: change requests for environments that require approval, and changes
-- scheduled for a time. Both hold a semantic patch (vexil_core::patch::Patch, as JSON
-- text) that is validated again when it is applied.

-- How many approvals (from editors other than the author) a change request needs.
alter table environment add column required_approvals bigint not null default 1;

create table change_request (
    id bigint generated always as identity primary key,
    project_id bigint not null references project (id) on delete cascade,
    flag_id bigint not null references flag (id) on delete cascade,
    environment_id bigint not null references environment (id) on delete cascade,
    title text not null,
    -- the semantic patch, JSON
    patch text not null,
    -- the configuration version the author saw when creating the request
    base_version bigint not null,
    -- the author as the audit log names them ("user:ada@example.com", "token:ci")
    author text not null,
    -- the person behind the author ("user:<id>"; a token counts as the user it acts
    -- for): who may not approve the request
    author_person text not null,
    -- open | applied | scheduled | rejected | cancelled | conflicted
    state text not null,
    -- why it was rejected or conflicted
    reason text,
    -- when set, the last approval schedules the change for this time (ms) instead of
    -- applying it
    scheduled_at bigint,
    -- the configuration version the request's application wrote
    applied_version bigint,
    scheduled_change_id bigint,
    -- bumped on each change of the request (ETag)
    version bigint not null default 1,
    created_at bigint not null,
    updated_at bigint not null
);
create index change_request_by_project on change_request (project_id, state);

create table change_request_approval (
    change_request_id bigint not null references change_request (id) on delete cascade,
    -- the approving person, as change_request.author_person
    person text not null,
    actor text not null,
    at bigint not null,
    primary key (change_request_id, person)
);

create table change_request_comment (
    id bigint generated always as identity primary key,
    change_request_id bigint not null references change_request (id) on delete cascade,
    actor text not null,
    body text not null,
    at bigint not null
);
create index change_request_comment_by_request on change_request_comment (change_request_id);

create table scheduled_change (
    id bigint generated always as identity primary key,
    project_id bigint not null references project (id) on delete cascade,
    flag_id bigint not null references flag (id) on delete cascade,
    environment_id bigint not null references environment (id) on delete cascade,
    -- the semantic patch, JSON
    patch text not null,
    -- when it is due (ms since the epoch)
    run_at bigint not null,
    -- pending | done | failed | cancelled ("running" exists only inside the
    -- transaction that claims and applies it)
    state text not null,
    -- the author as the audit log names them; the scheduler acts on their behalf
    author text not null,
    -- the approved change request it came from, if any
    change_request_id bigint references change_request (id) on delete set null,
    ran_at bigint,
    -- how long after run_at it ran (ms)
    late_by_ms bigint,
    -- 1 when it ran late: due while no scheduler was running, or run more than 5 s
    -- after its time
    ran_late bigint not null default 0,
    -- why it failed
    reason text,
    -- the configuration version it wrote (null when it changed nothing)
    result_version bigint,
    version bigint not null default 1,
    created_at bigint not null,
    updated_at bigint not null
);
create index scheduled_change_due on scheduled_change (state, run_at);
create index scheduled_change_by_project on scheduled_change (project_id, state);
