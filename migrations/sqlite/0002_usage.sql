-- Usage and metric events from SDKs, aggregated per minute (not one row per event) and
-- rolled up per hour; see docs/operations.md for the retention schedule.

create table usage_minute (
    environment_id bigint not null references environment (id) on delete cascade,
    flag_key text not null,
    variant text not null,
    -- Unix time in minutes
    minute bigint not null,
    count bigint not null,
    primary key (environment_id, flag_key, variant, minute)
);

create table usage_hour (
    environment_id bigint not null references environment (id) on delete cascade,
    flag_key text not null,
    variant text not null,
    -- Unix time in hours
    hour bigint not null,
    count bigint not null,
    primary key (environment_id, flag_key, variant, hour)
);

-- When each flag was last evaluated in each environment, for stale-flag detection.
create table flag_last_seen (
    environment_id bigint not null references environment (id) on delete cascade,
    flag_key text not null,
    at bigint not null,
    primary key (environment_id, flag_key)
);

-- Custom metric events, per minute, split by the variant the context was served for
-- each watched flag ('' and '' for events without variants).
create table metric_minute (
    environment_id bigint not null references environment (id) on delete cascade,
    event_key text not null,
    flag_key text not null,
    variant text not null,
    minute bigint not null,
    count bigint not null,
    sum real not null,
    sum_sq real not null,
    primary key (environment_id, event_key, flag_key, variant, minute)
);
