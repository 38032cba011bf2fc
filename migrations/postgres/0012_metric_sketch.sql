-- Per-minute quantile sketches of numeric metric events, per watched flag and variant
-- (the p95 guardrail of release plans). A DDSketch serialized as JSON: sketches merge
-- exactly, so minutes add up to any window. Events without a watched flag get none.
-- Expired with metric_minute (docs/operations.md).
create table metric_sketch_minute (
    environment_id bigint not null references environment (id) on delete cascade,
    event_key text not null,
    flag_key text not null,
    variant text not null,
    minute bigint not null,
    sketch text not null,
    primary key (environment_id, event_key, flag_key, variant, minute)
);
