-- The user an API token acts for: who created it, or who created the token that
-- created it. A token's effective role is at most that user's current role, and
-- deleting or disabling the user revokes the token. Null for older tokens whose
-- creator cannot be worked out (they keep their own role).
alter table api_token add column created_by_user_id text references app_user (id) on delete set null;
update api_token set created_by_user_id = (
    select u.id from app_user u where 'user:' || u.email = api_token.created_by
);
-- Tokens made by tokens, a few generations deep, when the creating token's name is
-- unambiguous.
update api_token set created_by_user_id = (
    select case when count(*) = 1 then max(c.created_by_user_id) end
    from api_token c where 'token:' || c.name = api_token.created_by
) where created_by_user_id is null and created_by like 'token:%';
update api_token set created_by_user_id = (
    select case when count(*) = 1 then max(c.created_by_user_id) end
    from api_token c where 'token:' || c.name = api_token.created_by
) where created_by_user_id is null and created_by like 'token:%';
update api_token set created_by_user_id = (
    select case when count(*) = 1 then max(c.created_by_user_id) end
    from api_token c where 'token:' || c.name = api_token.created_by
) where created_by_user_id is null and created_by like 'token:%';
create index api_token_by_creator on api_token (created_by_user_id);

-- Session ids are stored as SHA-256 hashes from now on, so that a copy of the database
-- cannot be turned into a working login token. Sessions stored in clear end here: their
-- users log in again.
delete from session;

-- Login attempts per rate-limit key ("account:<email>", "address:<ip>") in the current
-- window, shared by every replica. An attempt is counted before its password is
-- checked, so that parallel guesses cannot overrun the limit.
create table login_attempt (
    key text primary key,
    -- start of the current window (Unix milliseconds)
    window_start bigint not null,
    attempts bigint not null
);
