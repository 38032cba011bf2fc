use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::{OWNER_EMAIL, OWNER_PASSWORD, TestApp};

crate::on_both_databases!(
    a_wrong_password_is_refused_and_repeated_failures_are_rate_limited,
    logout_ends_the_session_at_once,
    expired_or_forged_login_tokens_are_refused,
    refresh_swaps_a_live_token_for_a_new_one,
    api_tokens_carry_a_role_and_an_optional_project_scope,
    sdk_keys_are_shown_once_stored_hashed_and_revocable,
    users_and_roles_are_managed_by_admins_and_owners,
    forty_parallel_wrong_passwords_are_checked_at_most_as_often_as_the_limit_allows,
);

async fn forty_parallel_wrong_passwords_are_checked_at_most_as_often_as_the_limit_allows(app: TestApp) {
    let answers = futures_util::future::join_all((0..40).map(|i| {
        app.call(Method::POST, "/api/v1/auth/login")
            .json(json!({"email": OWNER_EMAIL, "password": format!("wrong-password-{i}")}))
            .send()
    }))
    .await;
    let checked = answers.iter().filter(|r| r.status == StatusCode::UNAUTHORIZED).count();
    let limited = answers.iter().filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS).count();
    assert!(checked <= 5, "{checked} of 40 parallel guesses were checked; the limit is 5");
    assert_eq!(checked + limited, 40, "every other guess is refused unchecked");
    let r = app
        .call(Method::POST, "/api/v1/auth/login")
        .json(json!({"email": OWNER_EMAIL, "password": OWNER_PASSWORD}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "the account stays locked for the window");
}

async fn a_wrong_password_is_refused_and_repeated_failures_are_rate_limited(app: TestApp) {
    let attempt = |password: &'static str| {
        app.call(Method::POST, "/api/v1/auth/login")
            .json(json!({"email": OWNER_EMAIL, "password": password}))
            .send()
    };
    for _ in 0..5 {
        let r = attempt("wrong-password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.body["detail"], "wrong email or password");
    }
    let r = attempt("wrong-password").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let wait = r.headers["retry-after"].to_str().unwrap().parse::<u64>().unwrap();
    assert!(wait > 0);
    let detail = r.body["detail"].as_str().unwrap();
    assert!(detail.contains("this account or from this address"), "says what is limited: {detail}");
    assert!(detail.ends_with(&format!("retry in {wait} s")), "says when to retry: {detail}");
    let r = attempt(OWNER_PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "the right password does not lift the lock early");
    let unknown = app
        .call(Method::POST, "/api/v1/auth/login")
        .json(json!({"email": "nobody@example.com", "password": "whatever-else"}))
        .send()
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED, "same answer for unknown accounts");
    assert_eq!(unknown.body["detail"], "wrong email or password");
}

async fn logout_ends_the_session_at_once(app: TestApp) {
    let token = app.login(OWNER_EMAIL, OWNER_PASSWORD).await;
    let me = app.call(Method::GET, "/api/v1/auth/me").token(&token).send().await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["user"]["email"], OWNER_EMAIL);
    assert!(me.body["user"].get("password_hash").is_none());
    let r = app.call(Method::POST, "/api/v1/auth/logout").token(&token).send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let me = app.call(Method::GET, "/api/v1/auth/me").token(&token).send().await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    // Other sessions of the same user are unaffected.
    let other = app.call(Method::GET, "/api/v1/auth/me").token(&app.owner_token).send().await;
    assert_eq!(other.status, StatusCode::OK);
}

async fn expired_or_forged_login_tokens_are_refused(app: TestApp) {
    use vexil_server::auth::jwt::JwtKeys;
    use vexil_server::store::Timestamp;
    let me = app.call(Method::GET, "/api/v1/auth/me").token(&app.owner_token).send().await;
    let user_id = me.body["user"]["id"].as_str().unwrap().to_owned();
    let session = uuid::Uuid::new_v4().to_string();
    let past = Timestamp(Timestamp::now().0 - 60_000);
    app.state
        .store
        .create_session(&session, &user_id, Timestamp(Timestamp::now().0 + 3_600_000))
        .await
        .unwrap();
    let keys = JwtKeys::new(b"test-secret-test-secret-test-secret-0123");
    let expired = keys.issue(&user_id, &session, past).unwrap();
    let r = app.call(Method::GET, "/api/v1/auth/me").token(&expired).send().await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "expired token");
    let future = Timestamp(Timestamp::now().0 + 3_600_000);
    let forged =
        JwtKeys::new(b"some-other-secret-some-other-secret-00").issue(&user_id, &session, future).unwrap();
    let r = app.call(Method::GET, "/api/v1/auth/me").token(&forged).send().await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "wrong signature");
    let valid = keys.issue(&user_id, &session, future).unwrap();
    let r = app.call(Method::GET, "/api/v1/auth/me").token(&valid).send().await;
    assert_eq!(r.status, StatusCode::OK, "a correctly signed token for a live session works");
    let unknown_session = keys.issue(&user_id, "no-such-session", future).unwrap();
    let r = app.call(Method::GET, "/api/v1/auth/me").token(&unknown_session).send().await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

async fn refresh_swaps_a_live_token_for_a_new_one(app: TestApp) {
    let token = app.login(OWNER_EMAIL, OWNER_PASSWORD).await;
    let r = app.call(Method::POST, "/api/v1/auth/refresh").token(&token).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let fresh = r.body["token"].as_str().unwrap();
    assert_ne!(fresh, token);
    assert_eq!(app.call(Method::GET, "/api/v1/auth/me").token(fresh).send().await.status, StatusCode::OK);
    assert_eq!(
        app.call(Method::GET, "/api/v1/auth/me").token(&token).send().await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn api_tokens_carry_a_role_and_an_optional_project_scope(app: TestApp) {
    app.req(Method::POST, "/api/v1/projects").json(json!({"key": "other"})).send().await;
    let viewer = app.token_with_role("viewer", None).await;
    assert!(viewer.starts_with("vx_api_"));
    let r = app.call(Method::GET, "/api/v1/projects/default/flags").token(&viewer).send().await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .call(Method::POST, "/api/v1/projects/default/flags")
        .token(&viewer)
        .json(json!({"key": "x", "kind": "boolean"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let scoped = app.token_with_role("editor", Some("default")).await;
    let r = app
        .call(Method::POST, "/api/v1/projects/default/flags")
        .token(&scoped)
        .json(json!({"key": "x", "kind": "boolean"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = app
        .call(Method::POST, "/api/v1/projects/other/flags")
        .token(&scoped)
        .json(json!({"key": "x", "kind": "boolean"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "scoped to default");
    let r = app.call(Method::GET, "/api/v1/projects").token(&scoped).send().await;
    let keys: Vec<&str> =
        r.body["items"].as_array().unwrap().iter().map(|p| p["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["default"], "a scoped token sees only its project");
    let r = app.call(Method::GET, "/api/v1/users").token(&scoped).send().await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let list = app.req(Method::GET, "/api/v1/tokens").send().await;
    assert!(!list.text.contains(&viewer), "listings never show secrets");
    assert!(list.body["items"].as_array().unwrap().iter().all(|t| t.get("token").is_none()));
    let id = list.body["items"].as_array().unwrap().iter().find(|t| t["role"] == "viewer").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app.req(Method::DELETE, &format!("/api/v1/tokens/{id}")).send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app.call(Method::GET, "/api/v1/projects/default/flags").token(&viewer).send().await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "revoked tokens stop working at once");

    let admin = app.token_with_role("admin", None).await;
    let r = app
        .call(Method::POST, "/api/v1/tokens")
        .token(&admin)
        .json(json!({"name": "escalate", "role": "owner"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no token above its creator");
    let r = app
        .req(Method::POST, "/api/v1/tokens")
        .json(json!({"name": "old", "role": "viewer", "expires_at": "2001-01-01T00:00:00Z"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn sdk_keys_are_shown_once_stored_hashed_and_revocable(app: TestApp) {
    let base = "/api/v1/projects/default/environments/production/sdk-keys";
    let server =
        app.req(Method::POST, base).json(json!({"kind": "server", "name": "checkout service"})).send().await;
    assert_eq!(server.status, StatusCode::CREATED, "{}", server.body);
    let secret = server.body["key"].as_str().unwrap().to_owned();
    assert!(
        secret.starts_with("vx_srv_") && secret.len() >= "vx_srv_".len() + 32,
        "at least 128 random bits"
    );
    let client = app.req(Method::POST, base).json(json!({"kind": "client"})).send().await;
    assert!(client.body["key"].as_str().unwrap().starts_with("vx_cli_"));
    let second = app
        .req(Method::POST, base)
        .json(json!({"kind": "server", "expires_at": "2999-01-01T00:00:00Z"}))
        .send()
        .await;
    assert_eq!(second.status, StatusCode::CREATED, "several active keys of a kind, for rotation");

    let list = app.req(Method::GET, base).send().await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 3);
    assert!(!list.text.contains(&secret));
    let stored: Vec<(String,)> =
        sqlx::query_as("select secret_hash from sdk_key").fetch_all(app.state.store.pool()).await.unwrap();
    assert!(
        stored.iter().all(|(h,)| h.len() == 64 && !h.contains(&secret)),
        "only SHA-256 hashes are stored"
    );
    let owner = app
        .state
        .store
        .sdk_key_by_hash(&vexil_server::auth::secret::hash(&secret))
        .await
        .unwrap()
        .expect("live key");
    assert_eq!(owner.environment, "production");

    let id = server.body["id"].as_str().unwrap();
    let r = app.req(Method::DELETE, &format!("{base}/{id}")).send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(
        app.state.store.sdk_key_by_hash(&vexil_server::auth::secret::hash(&secret)).await.unwrap().is_none()
    );
    let bad = app.req(Method::POST, base).json(json!({"kind": "mobile"})).send().await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let r = app
        .req(Method::POST, "/api/v1/projects/default/environments/nope/sdk-keys")
        .json(json!({"kind": "server"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn users_and_roles_are_managed_by_admins_and_owners(app: TestApp) {
    let r = app
        .req(Method::POST, "/api/v1/users")
        .json(
            json!({"email": "Ed@Example.com", "name": "Ed", "password": "editor-password", "role": "editor"}),
        )
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["email"], "ed@example.com");
    let ed_id = r.body["id"].as_str().unwrap().to_owned();
    let ed = app.login("ed@example.com", "editor-password").await;
    let r = app
        .call(Method::POST, "/api/v1/projects/default/flags")
        .token(&ed)
        .json(json!({"key": "eds", "kind": "boolean"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = app.call(Method::GET, "/api/v1/users").token(&ed).send().await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let short = app
        .req(Method::POST, "/api/v1/users")
        .json(json!({"email": "x@example.com", "password": "short", "role": "viewer"}))
        .send()
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(short.body["errors"][0]["pointer"], "/password");

    // Self-service password change needs the current password and ends other sessions.
    let r = app
        .call(Method::PATCH, &format!("/api/v1/users/{ed_id}"))
        .token(&ed)
        .if_match(1)
        .json(json!({"password": "new-editor-password", "current_password": "wrong"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .call(Method::PATCH, &format!("/api/v1/users/{ed_id}"))
        .token(&ed)
        .if_match(1)
        .json(json!({"password": "new-editor-password", "current_password": "editor-password"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.call(Method::GET, "/api/v1/auth/me").token(&ed).send().await.status,
        StatusCode::UNAUTHORIZED
    );
    let ed = app.login("ed@example.com", "new-editor-password").await;
    let r = app
        .call(Method::PATCH, &format!("/api/v1/users/{ed_id}"))
        .token(&ed)
        .if_match(2)
        .json(json!({"role": "owner"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no self-promotion");

    let me = app.call(Method::GET, "/api/v1/auth/me").token(&app.owner_token).send().await;
    let owner_id = me.body["user"]["id"].as_str().unwrap().to_owned();
    let r = app
        .req(Method::PATCH, &format!("/api/v1/users/{owner_id}"))
        .if_match(1)
        .json(json!({"role": "admin"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "the last owner stays an owner");
    let r = app.req(Method::DELETE, &format!("/api/v1/users/{ed_id}")).if_match(2).send().await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
}

/// Single sign-on pointed at a provider nobody runs: enough for what does not need one.
const SSO_ARGS: [&str; 8] = [
    "--oidc-issuer",
    "http://127.0.0.1:9/nobody",
    "--oidc-client-id",
    "vexil",
    "--oidc-redirect-url",
    "https://flags.example.com/api/v1/auth/oidc/callback",
    "--oidc-provider-name",
    "Example SSO",
];

async fn the_login_options_are_public_and_follow_the_configuration(db: crate::harness::Db) {
    let plain = TestApp::new(db).await;
    let r = plain.call(Method::GET, "/api/v1/auth/config").send().await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, json!({"password_login": true, "sso": null}));
    let r = plain.call(Method::GET, "/api/v1/auth/oidc/login").send().await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "no single sign-on without VEXIL_OIDC_ISSUER");

    let mut args = SSO_ARGS.to_vec();
    args.extend(["--oidc-sso-only", "--oidc-break-glass-email", OWNER_EMAIL]);
    let sso = TestApp::with_args(db, &args).await;
    let r = sso.call(Method::GET, "/api/v1/auth/config").send().await;
    assert_eq!(
        r.body,
        json!({"password_login": false, "sso": {"name": "Example SSO", "login_url": "/api/v1/auth/oidc/login"}})
    );
    // The break-glass owner logged in (TestApp did) and makes a password user, who is
    // then refused: passwords are for the break-glass owner only.
    let r = sso
        .req(Method::POST, "/api/v1/users")
        .json(json!({"email": "ed@example.com", "password": "ed-password-123", "role": "owner"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = sso
        .call(Method::POST, "/api/v1/auth/login")
        .json(json!({"email": "ed@example.com", "password": "ed-password-123"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // The provider is down: starting a login says so on the login page.
    let r = sso.call(Method::GET, "/api/v1/auth/oidc/login?next=/audit").send().await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers["location"], "/login?sso_error=unavailable");
    // A hand-off code nobody issued logs nobody in.
    let r =
        sso.call(Method::POST, "/api/v1/auth/oidc/session").json(json!({"handoff": "made-up"})).send().await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

mod the_login_options_are_public_and_follow_the_configuration {
    use crate::harness::Db;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        super::the_login_options_are_public_and_follow_the_configuration(Db::Postgres).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        super::the_login_options_are_public_and_follow_the_configuration(Db::Sqlite).await;
    }
}
