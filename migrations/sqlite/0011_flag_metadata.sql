-- Flag metadata teams use: who owns a flag, links to its issue and documentation, and
-- free-form properties. Shown and searched by the API and the dashboard; not part of
-- what SDKs receive.
-- The owner: a user's email or a team name; '' for none.
alter table flag add column owner text not null default '';
-- JSON array of {"kind": "issue"|"docs"|"other", "url": "https://...", "title": "..."}.
alter table flag add column links text not null default '[]';
-- JSON object of string properties ({"cost-centre": "42"}), bounded by the API.
alter table flag add column properties text not null default '{}';

-- Idempotency keys of secret-minting creations (API tokens, SDK keys): a retried
-- request with the same key and body answers what the first one did, without minting
-- a second secret. The key itself is not stored: `key_hash` is SHA-256 over the scope
-- and the key, and the answer (which holds the secret) is sealed with a key derived
-- from the idempotency key, so the database alone cannot give the secret back.
-- Rows older than 24 hours are ignored and deleted.
create table idempotency_key (
    -- Who asked and where: "<person> <METHOD> <path>".
    scope text not null,
    key_hash text not null,
    -- SHA-256 of the request body, to tell a retry from another request.
    fingerprint text not null,
    status integer not null,
    -- Base64 of nonce || ChaCha20-Poly1305 ciphertext of the response body.
    sealed_response text not null,
    created_at bigint not null,
    primary key (scope, key_hash)
);
create index idempotency_key_by_age on idempotency_key (created_at);
