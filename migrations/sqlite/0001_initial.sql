-- Vexil schema. Times are Unix milliseconds (bigint) and JSON documents are text, so
-- that the same queries run on PostgreSQL and SQLite. Booleans are 0/1 bigints for the
-- same reason.

-- Server-wide values generated once, e.g. the JWT signing secret.
create table setting (
    key text primary key,
    value text not null
);

create table project (
    id integer primary key autoincrement,
    key text not null,
    name text not null,
    description text not null default '',
    version bigint not null default 1,
    created_at bigint not null,
    updated_at bigint not null,
    constraint project_key_unique unique (key)
);

create table environment (
    id integer primary key autoincrement,
    project_id bigint not null references project (id) on delete cascade,
    key text not null,
    name text not null,
    position bigint not null,
    requires_approval bigint not null default 0,
    -- version of the environment's own fields (name, position...): its ETag
    version bigint not null default 1,
    -- bumped by every committed change to what this environment serves; SSE event ids
    snapshot_version bigint not null default 0,
    created_at bigint not null,
    updated_at bigint not null,
    constraint environment_key_unique unique (project_id, key)
);

create table flag (
    id integer primary key autoincrement,
    project_id bigint not null references project (id) on delete cascade,
    key text not null,
    name text not null,
    description text not null,
    kind text not null,
    -- JSON array of variants ({key, value, name, description})
    variants text not null,
    lifecycle text not null,
    salt text not null,
    client_visible bigint not null default 0,
    -- null while the flag is active
    archived_at bigint,
    version bigint not null default 1,
    created_at bigint not null,
    updated_at bigint not null,
    constraint flag_key_unique unique (project_id, key)
);

create table flag_tag (
    flag_id bigint not null references flag (id) on delete cascade,
    tag text not null,
    primary key (flag_id, tag)
);
create index flag_tag_by_tag on flag_tag (tag);

create table flag_config (
    flag_id bigint not null references flag (id) on delete cascade,
    environment_id bigint not null references environment (id) on delete cascade,
    -- JSON of the configuration (vexil-core FlagConfig without its version)
    config text not null,
    -- copy of config.enabled, for listings
    enabled bigint not null,
    version bigint not null default 1,
    updated_at bigint not null,
    primary key (flag_id, environment_id)
);
create index flag_config_by_environment on flag_config (environment_id);

create table segment (
    id integer primary key autoincrement,
    project_id bigint not null references project (id) on delete cascade,
    key text not null,
    name text not null,
    description text not null,
    -- JSON of included, excluded and rules
    definition text not null,
    version bigint not null default 1,
    created_at bigint not null,
    updated_at bigint not null,
    constraint segment_key_unique unique (project_id, key)
);

-- The change feed: one row per change an environment's SDKs must hear about, written
-- in the same transaction as the change. (environment, version) is the SSE event id.
create table change (
    environment_id bigint not null references environment (id) on delete cascade,
    version bigint not null,
    -- flag | flag_deleted | segment | segment_deleted
    kind text not null,
    object_key text not null,
    -- JSON of the new object as it appears in the snapshot; null for deletions
    payload text,
    created_at bigint not null,
    primary key (environment_id, version)
);

create table app_user (
    id text primary key,
    email text not null,
    name text not null,
    password_hash text not null,
    role text not null,
    disabled bigint not null default 0,
    version bigint not null default 1,
    created_at bigint not null,
    updated_at bigint not null,
    constraint app_user_email_unique unique (email)
);

-- One row per issued login token (its jti); logout revokes it.
create table session (
    id text primary key,
    user_id text not null references app_user (id) on delete cascade,
    created_at bigint not null,
    expires_at bigint not null,
    revoked_at bigint
);

create table api_token (
    id text primary key,
    name text not null,
    -- the first characters of the secret, shown in listings to recognise it
    prefix text not null,
    -- hex SHA-256 of the whole secret; the secret itself is never stored
    secret_hash text not null,
    role text not null,
    project_id bigint references project (id) on delete cascade,
    created_by text not null,
    created_at bigint not null,
    expires_at bigint,
    last_used_at bigint,
    revoked_at bigint,
    constraint api_token_secret_unique unique (secret_hash)
);

create table sdk_key (
    id text primary key,
    environment_id bigint not null references environment (id) on delete cascade,
    -- server | client
    kind text not null,
    name text not null,
    prefix text not null,
    secret_hash text not null,
    created_by text not null,
    created_at bigint not null,
    expires_at bigint,
    revoked_at bigint,
    constraint sdk_key_secret_unique unique (secret_hash)
);
create index sdk_key_by_environment on sdk_key (environment_id);

create table audit (
    id integer primary key autoincrement,
    at bigint not null,
    -- who: "user:<email>", "token:<name>" or "system"
    actor text not null,
    -- what, e.g. flag.create, flag_config.update, flag_config.toggle
    action text not null,
    resource_type text not null,
    -- e.g. "default/new-checkout" or "default/new-checkout/production"
    resource_key text not null,
    project_key text,
    environment_key text,
    -- JSON before and after the change; null where there is none
    before text,
    after text
);
create index audit_by_at on audit (at);
create index audit_by_resource on audit (resource_type, resource_key);
create index audit_by_actor on audit (actor);
