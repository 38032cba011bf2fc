-- Webhook subscriptions: per project, a URL and the event types it wants, signed per
-- the Standard Webhooks specification.
create table webhook (
    id text primary key,
    project_id bigint not null references project (id) on delete cascade,
    url text not null,
    description text not null default '',
    -- JSON array of event type names (`flag_changes`, `change_requests`, ...)
    event_types text not null,
    enabled bigint not null default 1,
    -- the signing secret (`whsec_<base64>`), kept in clear: an HMAC cannot be computed
    -- from a hash of its key (docs/security.md)
    secret text not null,
    created_by text not null,
    created_at bigint not null,
    updated_at bigint not null
);
create index webhook_by_project on webhook (project_id);

-- The outbox: one row per event and subscription, written in the transaction of the
-- change it announces, then delivered (and retried) by every replica's deliverer.
create table webhook_delivery (
    id bigint generated always as identity primary key,
    webhook_id text not null references webhook (id) on delete cascade,
    -- the Standard Webhooks message id (`webhook-id`): the same for every attempt of an
    -- event, and for a redelivery by hand, so that receivers can deduplicate
    message_id text not null,
    -- the subscription's event type the event belongs to (`flag_changes`, ...)
    category text not null,
    -- the event's own type, e.g. `flag_config.toggle`
    event_type text not null,
    -- the JSON body, fixed when the event is recorded
    payload text not null,
    -- pending | delivered | failed
    status text not null,
    attempts bigint not null default 0,
    -- when the next attempt is due (Unix milliseconds)
    next_attempt_at bigint not null,
    -- a deliverer holds the row until then (Unix milliseconds); null when free
    claimed_until bigint,
    -- of the last attempt: HTTP status (null when none came back), time taken, error
    response_code bigint,
    latency_ms bigint,
    last_error text,
    -- the start of the last response's body, at most 1 KiB
    response_excerpt text,
    created_at bigint not null,
    last_attempt_at bigint,
    finished_at bigint,
    -- the delivery this one repeats, for a redelivery by hand
    redelivery_of bigint
);
create index webhook_delivery_due on webhook_delivery (status, next_attempt_at);
create index webhook_delivery_by_webhook on webhook_delivery (webhook_id, created_at);
