//! Single sign-on against a real OpenID Connect provider (`oidc-provider` on Node.js, in
//! its own process with its own keys and users) and a real `vexil`, driven through the
//! redirects by a cookie-keeping HTTP client as a browser would.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::{Browser, IdpUser, Outcome, Sso, get_as};
use vexil_testkit::{Admin, Db, OWNER_EMAIL, OWNER_PASSWORD, TestDb};

const ALICE: IdpUser = IdpUser::new("alice", "alice@example.com", &["vexil-owners"]);
const BOB: IdpUser = IdpUser::new("bob", "bob@example.com", &["staff", "vexil-editors"]);
const CAROL: IdpUser = IdpUser::new("carol", "carol@example.com", &["staff"]);
const DAVE: IdpUser = IdpUser::new("dave", "Dave@Example.com", &["vexil-editors", "vexil-admins"]);

async fn users(sso: &Sso) -> Vec<Value> {
    let admin = Admin::login(&sso.server).await;
    let (status, body) = admin.call(Method::GET, "/api/v1/users", None).await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().expect("items").clone()
}

async fn auth_config(base: &str) -> Value {
    reqwest::get(format!("{base}/api/v1/auth/config"))
        .await
        .expect("config")
        .json()
        .await
        .expect("config body")
}

async fn a_user_logs_in_through_the_provider_and_is_created_on_first_login(db: Db) {
    let sso = Sso::start(TestDb::new(db).await, &[ALICE], &[]).await;
    let config = auth_config(&sso.server.base).await;
    assert_eq!(
        config,
        json!({"password_login": true, "sso": {"name": "Test IdP", "login_url": "/api/v1/auth/oidc/login"}})
    );
    let before = users(&sso).await.len();

    let first = sso.login(&ALICE).await;
    assert_eq!(first.user["email"], "alice@example.com");
    assert_eq!(first.user["role"], "owner", "vexil-owners maps to owner");
    assert_eq!(first.next, "/p/default/flags", "the dashboard returns where the login started");
    let (status, me) = get_as(&sso.server.base, &first.token, "/api/v1/auth/me").await;
    assert_eq!(status, 200, "the login token works: {me}");
    assert_eq!(me["user"]["email"], "alice@example.com");
    // An owner's token reaches owner-only routes.
    let (status, _) = get_as(&sso.server.base, &first.token, "/api/v1/users").await;
    assert_eq!(status, 200);

    let second = sso.login(&ALICE).await;
    assert_eq!(second.user["id"], first.user["id"], "the second login finds the same user");
    let after = users(&sso).await;
    assert_eq!(after.len(), before + 1, "exactly one user was created: {after:?}");
    // Users from single sign-on have no password.
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", sso.server.base))
        .json(&json!({"email": "alice@example.com", "password": ""}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), 401);

    let admin = Admin::login(&sso.server).await;
    let (_, audit) = admin.call(Method::GET, "/api/v1/audit?resource_type=user", None).await;
    let created = audit["items"]
        .as_array()
        .expect("audit items")
        .iter()
        .find(|e| e["action"] == "user.create" && e["resource_key"] == "alice@example.com")
        .unwrap_or_else(|| panic!("no audit entry for the new user: {audit}"));
    assert_eq!(created["actor"], "sso:alice@example.com");
}

#[tokio::test]
async fn a_user_logs_in_through_the_provider_and_is_created_on_first_login_on_postgres() {
    a_user_logs_in_through_the_provider_and_is_created_on_first_login(Db::Postgres).await;
}

#[tokio::test]
async fn a_user_logs_in_through_the_provider_and_is_created_on_first_login_on_sqlite() {
    a_user_logs_in_through_the_provider_and_is_created_on_first_login(Db::Sqlite).await;
}

#[tokio::test]
async fn roles_come_from_the_group_claim_and_follow_it_at_every_login() {
    let sso = Sso::start(TestDb::sqlite(), &[BOB, CAROL, DAVE], &[]).await;
    let bob = sso.login(&BOB).await;
    assert_eq!(bob.user["role"], "editor");
    let carol = sso.login(&CAROL).await;
    assert_eq!(carol.user["role"], "viewer", "no mapped group: the default role");
    let dave = sso.login(&DAVE).await;
    assert_eq!(dave.user["role"], "admin", "several mapped groups: the highest role");
    assert_eq!(dave.user["email"], "dave@example.com", "emails are kept in lower case");

    // The provider moves bob out of the editors: his next login makes him a viewer.
    sso.provider.control("/test/users/bob", json!({"groups": ["staff"]})).await;
    let again = sso.login(&BOB).await;
    assert_eq!(again.user["id"], bob.user["id"]);
    assert_eq!(again.user["role"], "viewer");
    // ... and a role given in the dashboard is overwritten by the claims at the next login.
    let admin = Admin::login(&sso.server).await;
    let id = carol.user["id"].as_str().expect("id");
    let (status, _) =
        admin.call(Method::PATCH, &format!("/api/v1/users/{id}"), Some(json!({"role": "admin"}))).await;
    assert_eq!(status, 200);
    assert_eq!(sso.login(&CAROL).await.user["role"], "viewer");
}

#[tokio::test]
async fn with_no_default_role_users_outside_the_mapped_groups_are_refused() {
    let sso = Sso::start(TestDb::sqlite(), &[BOB, CAROL], &[("VEXIL_OIDC_DEFAULT_ROLE", "none")]).await;
    let before = users(&sso).await.len();
    let outcome = sso.browser().sso_login(CAROL.sub, CAROL.password).await;
    assert_eq!(outcome.refusal(), Some("no_role"), "{outcome:?}\n{}", sso.log());
    assert_eq!(users(&sso).await.len(), before, "no account was created");
    assert_eq!(sso.login(&BOB).await.user["role"], "editor");
}

#[tokio::test]
async fn forged_expired_and_misdirected_id_tokens_are_refused() {
    let sso = Sso::start(TestDb::sqlite(), &[ALICE], &[]).await;
    let before = users(&sso).await.len();
    for (mode, slug) in [
        ("forged", "id_token_signature"),
        ("expired", "id_token_expired"),
        ("audience", "id_token_audience"),
        ("issuer", "id_token_issuer"),
        ("nonce", "id_token_nonce"),
    ] {
        let served = sso.provider.token_responses().await;
        sso.provider.control("/test/next-id-token", json!({"mode": mode})).await;
        let outcome = sso.browser().sso_login(ALICE.sub, ALICE.password).await;
        assert_eq!(outcome.refusal(), Some(slug), "a {mode} ID token: {outcome:?}\n{}", sso.log());
        assert_eq!(sso.provider.token_responses().await, served + 1, "the provider served the {mode} token");
    }
    assert_eq!(users(&sso).await.len(), before, "no account was created from a refused token");
    // The provider's honest token still works afterwards.
    assert_eq!(sso.login(&ALICE).await.user["role"], "owner");
}

#[tokio::test]
async fn a_replayed_or_foreign_state_is_refused_and_a_handoff_works_once() {
    let sso = Sso::start(TestDb::sqlite(), &[ALICE], &[]).await;
    // A login started in one browser cannot be finished in another (login CSRF): the
    // other browser lacks the state cookie, and the login stays open for its own.
    let victim = sso.browser();
    let attacker = sso.browser();
    let callback = attacker.sso_until_callback(ALICE.sub, ALICE.password).await;
    let foreign = victim.get_callback(&callback).await;
    assert_eq!(foreign.refusal(), Some("state"), "{foreign:?}");
    let Outcome::Session(session) = attacker.get_callback(&callback).await else {
        panic!("the browser that started the login could not finish it:\n{}", sso.log())
    };
    // The same callback again, from the same browser: the state was consumed.
    let replay = attacker.get_callback(&session.callback).await;
    assert_eq!(replay.refusal(), Some("state"), "{replay:?}");
    // ... and a callback with the state but no cookie at all.
    let bare = Browser::new(&sso.server.base).get_callback(&session.callback).await;
    assert_eq!(bare.refusal(), Some("state"), "{bare:?}");
    // The hand-off code worked once.
    let (status, _) = attacker.collect(&session.handoff).await;
    assert_eq!(status, 401, "a hand-off code is collected once");
}

#[tokio::test]
async fn logins_keep_working_after_the_provider_rotates_its_keys() {
    let sso = Sso::start(TestDb::sqlite(), &[ALICE], &[]).await;
    let old = sso.provider.key_ids().await;
    sso.login(&ALICE).await;
    let rotated = sso.provider.control("/test/rotate-keys", json!({})).await;
    let new = sso.provider.key_ids().await;
    assert_eq!(new, [rotated["kid"].as_str().expect("kid")], "the provider publishes only its new key");
    assert!(!old.iter().any(|k| new.contains(k)), "the old key is gone: {old:?} {new:?}");
    let after = sso.login(&ALICE).await;
    assert_eq!(after.user["email"], "alice@example.com");
    assert!(
        sso.log().matches("read the identity provider's configuration and keys").count() >= 2,
        "Vexil read the keys again:\n{}",
        sso.log()
    );
}

#[tokio::test]
async fn sso_only_mode_refuses_passwords_except_for_the_break_glass_owner() {
    let imposter = IdpUser::new("mallory", OWNER_EMAIL, &["vexil-owners"]);
    let sso = Sso::start(
        TestDb::sqlite(),
        &[ALICE, imposter.clone()],
        &[("VEXIL_OIDC_SSO_ONLY", "true"), ("VEXIL_OIDC_BREAK_GLASS_EMAIL", OWNER_EMAIL)],
    )
    .await;
    let config = auth_config(&sso.server.base).await;
    assert_eq!(config["password_login"], false);
    assert_eq!(config["sso"]["name"], "Test IdP");

    // The break-glass owner logs in with a password and makes a password user.
    let admin = Admin::login_with(&sso.server, OWNER_EMAIL, OWNER_PASSWORD).await;
    let body = json!({"email": "ed@example.com", "password": "ed-password-123", "role": "editor"});
    let (status, _) = admin.call(Method::POST, "/api/v1/users", Some(body)).await;
    assert_eq!(status, 201);
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", sso.server.base))
        .json(&json!({"email": "ed@example.com", "password": "ed-password-123"}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), 403, "password logins are off for everyone else");
    let problem: Value = r.json().await.expect("problem");
    assert!(problem["detail"].as_str().unwrap_or_default().contains("single sign-on"), "{problem}");

    // Single sign-on works, and never reaches the break-glass account.
    assert_eq!(sso.login(&ALICE).await.user["role"], "owner");
    let outcome = sso.browser().sso_login(imposter.sub, imposter.password).await;
    assert_eq!(outcome.refusal(), Some("break_glass"), "{outcome:?}");
}

#[tokio::test]
async fn an_existing_account_is_linked_only_when_the_provider_verifies_its_email() {
    let erin = IdpUser::new("erin", "erin@example.com", &["vexil-editors"]).unverified();
    let sso = Sso::start(TestDb::sqlite(), std::slice::from_ref(&erin), &[]).await;
    let admin = Admin::login(&sso.server).await;
    let body = json!({"email": "erin@example.com", "password": "erin-password-1", "role": "viewer"});
    let (status, created) = admin.call(Method::POST, "/api/v1/users", Some(body)).await;
    assert_eq!(status, 201);

    let outcome = sso.browser().sso_login(erin.sub, erin.password).await;
    assert_eq!(outcome.refusal(), Some("email_unverified"), "{outcome:?}");

    sso.provider.control("/test/users/erin", json!({"email_verified": true})).await;
    let linked = sso.login(&erin).await;
    assert_eq!(linked.user["id"], created["id"], "the existing account, linked");
    assert_eq!(linked.user["role"], "editor", "with the role the claims give");

    let id = created["id"].as_str().expect("id");
    let (status, _) =
        admin.call(Method::PATCH, &format!("/api/v1/users/{id}"), Some(json!({"disabled": true}))).await;
    assert_eq!(status, 200);
    let outcome = sso.browser().sso_login(erin.sub, erin.password).await;
    assert_eq!(outcome.refusal(), Some("disabled"), "{outcome:?}");
}
