-- Single sign-on through an OpenID Connect provider.

-- The provider account behind a dashboard user, by the provider's issuer and its stable
-- subject id: never by email, which a provider may let people change.
create table user_identity (
    issuer text not null,
    subject text not null,
    user_id text not null references app_user (id) on delete cascade,
    created_at bigint not null,
    primary key (issuer, subject)
);
create index user_identity_user on user_identity (user_id);

-- A login sent to the provider: written when the browser leaves, deleted when it comes
-- back (so that a state value works once), or pruned after expires_at.
create table sso_login (
    state text primary key,
    -- the nonce the ID token must carry
    nonce text not null,
    -- the PKCE code verifier; the provider only saw its hash
    pkce_verifier text not null,
    -- the dashboard path to return to after logging in
    next_path text not null,
    created_at bigint not null,
    expires_at bigint not null
);
create index sso_login_expiry on sso_login (expires_at);

-- A finished login waiting, briefly, for the dashboard to collect its login token once.
create table sso_handoff (
    -- hex SHA-256 of the one-time code in the dashboard's URL
    code_hash text primary key,
    user_id text not null references app_user (id) on delete cascade,
    expires_at bigint not null
);
