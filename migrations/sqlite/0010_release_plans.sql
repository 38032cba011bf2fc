-- Release plans (guarded progressive rollouts): a treatment variant stepped up in one
-- place of a flag's configuration while guardrails compare it with the control. See
-- docs/release-safety.md.
create table release_plan (
    id integer primary key autoincrement,
    project_id bigint not null references project (id) on delete cascade,
    flag_id bigint not null references flag (id) on delete cascade,
    environment_id bigint not null references environment (id) on delete cascade,
    -- what was asked for (treatment, control, place, steps, guardrails, alpha), JSON
    spec text not null,
    -- draft | running | paused | rolled_back | completed
    state text not null,
    -- index of the current step in spec.steps (0 before the start)
    step bigint not null default 0,
    -- when the plan started and when the current step began (ms since the epoch)
    started_at bigint,
    step_started_at bigint,
    -- the arms' cumulative exposures at the current step's first look, JSON
    -- {"control": n, "treatment": n}: the step's own exposures are counted from it
    -- (null until that look: what SDKs report before it may be the previous split's)
    step_base text,
    -- why the plan is where it is (the last decision's reason)
    reason text,
    -- the last look's analysis (per arm and guardrail: exposures, estimate, bounds), JSON
    analysis text,
    looked_at bigint,
    -- the person who created it, as the audit log names them
    author text not null,
    -- bumped on each change (ETag)
    version bigint not null default 1,
    created_at bigint not null,
    updated_at bigint not null
);
-- One plan at a time per flag and environment; finished plans stay as history.
create unique index release_plan_active_unique on release_plan (flag_id, environment_id)
    where state in ('draft', 'running', 'paused');
create index release_plan_running on release_plan (state);
