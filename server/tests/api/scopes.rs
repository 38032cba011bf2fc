//! Every read path with every kind of credential, from one table: what each may read.
//! The same table is the read matrix of `docs/security.md`; the test checks that the
//! document shows it (`VEXIL_WRITE_DOCS=1` rewrites the document's table).

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

use crate::harness::TestApp;

crate::on_both_databases!(every_read_path_gives_each_credential_what_the_matrix_says);

/// What a credential gets from a read path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sees {
    /// Everything the path offers.
    All,
    /// Only what belongs to its project (and nothing about users, tokens or webhooks).
    Own,
    /// Everything but users, API tokens and webhook subscriptions.
    NoUsers,
    /// 403.
    Forbidden,
    /// 401: the credential does not open this API at all.
    Unauthenticated,
}

impl Sees {
    fn cell(self) -> &'static str {
        match self {
            Sees::All => "yes",
            Sees::Own => "its project only",
            Sees::NoUsers => "yes, without users, tokens and webhooks",
            Sees::Forbidden => "no (403)",
            Sees::Unauthenticated => "no (401)",
        }
    }
}

use Sees::{All, Forbidden as No, NoUsers, Own, Unauthenticated as Unauth};

/// The credential kinds, in the order of [`ReadPath::sees`].
const KINDS: [&str; 6] = ["owner", "admin", "editor", "viewer", "project-scoped token", "SDK key"];

/// One read path and what each credential kind gets from it.
struct ReadPath {
    /// What is read, for people.
    what: &'static str,
    /// `GET path`, `POST path` (with [`ReadPath::body`]) or `STREAM` (the admin stream).
    method: &'static str,
    path: &'static str,
    body: Option<&'static str>,
    /// Text every allowed answer holds (proof that it answered about the right thing).
    present: &'static str,
    /// Text only callers that see other projects get ("" when the path shows none).
    foreign: &'static str,
    /// Text only callers that see users and tokens get ("" when the path shows none).
    users: &'static str,
    /// By credential kind, in the order of [`KINDS`].
    sees: [Sees; 6],
}

/// The matrix. The project-scoped token is an admin token scoped to `alpha`; the SDK
/// key is a server key of `default`/`production`; the users are logged in.
const READ_PATHS: &[ReadPath] = &[
    ReadPath {
        what: "list projects",
        method: "GET",
        path: "/api/v1/projects",
        body: None,
        present: r#""key":"alpha""#,
        foreign: r#""key":"default""#,
        users: "",
        sees: [All, All, All, All, Own, Unauth],
    },
    ReadPath {
        what: "flags, searched with `?q=`",
        method: "GET",
        path: "/api/v1/projects/default/flags?q=f-",
        body: None,
        present: r#""key":"f-default""#,
        foreign: "",
        users: "",
        sees: [All, All, All, All, No, Unauth],
    },
    ReadPath {
        what: "flags of the token's own project",
        method: "GET",
        path: "/api/v1/projects/alpha/flags?q=f-",
        body: None,
        present: r#""key":"f-alpha""#,
        foreign: "",
        users: "",
        sees: [All, All, All, All, All, Unauth],
    },
    ReadPath {
        what: "a project",
        method: "GET",
        path: "/api/v1/projects/default",
        body: None,
        present: r#""key":"default""#,
        foreign: "",
        users: "",
        sees: [All, All, All, All, No, Unauth],
    },
    ReadPath {
        what: "segments",
        method: "GET",
        path: "/api/v1/projects/default/segments",
        body: None,
        present: r#""key":"s-default""#,
        foreign: "",
        users: "",
        sees: [All, All, All, All, No, Unauth],
    },
    ReadPath {
        what: "environments",
        method: "GET",
        path: "/api/v1/projects/default/environments",
        body: None,
        present: r#""key":"production""#,
        foreign: "",
        users: "",
        sees: [All, All, All, All, No, Unauth],
    },
    ReadPath {
        what: "SDK keys (names and prefixes, never secrets)",
        method: "GET",
        path: "/api/v1/projects/default/environments/production/sdk-keys",
        body: None,
        present: r#""kind":"server""#,
        foreign: "",
        users: "",
        sees: [All, All, All, All, No, Unauth],
    },
    ReadPath {
        what: "webhook subscriptions (never their secrets)",
        method: "GET",
        path: "/api/v1/projects/default/webhooks",
        body: None,
        present: r#""url":"https://hooks.example.com/default""#,
        foreign: "",
        users: "",
        sees: [All, All, No, No, No, Unauth],
    },
    ReadPath {
        what: "webhook subscriptions of the token's own project",
        method: "GET",
        path: "/api/v1/projects/alpha/webhooks",
        body: None,
        present: r#""url":"https://hooks.example.com/alpha""#,
        foreign: "",
        users: "",
        sees: [All, All, No, No, All, Unauth],
    },
    ReadPath {
        what: "a flag's configuration",
        method: "GET",
        path: "/api/v1/projects/default/flags/f-default/environments/production",
        body: None,
        present: r#""flag":"f-default""#,
        foreign: "",
        users: "",
        sees: [All, All, All, All, No, Unauth],
    },
    ReadPath {
        what: "the evaluation debugger",
        method: "POST",
        path: "/api/v1/projects/default/environments/production/evaluate",
        body: Some(r#"{"context": {"key": "u1"}}"#),
        present: r#""flag":"f-default""#,
        foreign: "",
        users: "",
        sees: [All, All, All, All, No, Unauth],
    },
    ReadPath {
        what: "users",
        method: "GET",
        path: "/api/v1/users",
        body: None,
        present: r#""email":"viewer@example.com""#,
        foreign: "",
        users: "",
        sees: [All, All, No, No, No, Unauth],
    },
    ReadPath {
        what: "another user",
        method: "GET",
        path: "/api/v1/users/{other}",
        body: None,
        present: r#""email":"other@example.com""#,
        foreign: "",
        users: "",
        sees: [All, All, No, No, No, Unauth],
    },
    ReadPath {
        what: "API tokens (no secrets)",
        method: "GET",
        path: "/api/v1/tokens",
        body: None,
        present: r#""name":"unscoped automation""#,
        foreign: "",
        users: "",
        sees: [All, All, No, No, No, Unauth],
    },
    ReadPath {
        what: "the audit log",
        method: "GET",
        path: "/api/v1/audit?limit=500",
        body: None,
        present: r#""project":"alpha""#,
        foreign: r#""project":"default""#,
        users: r#""resource_type":"user""#,
        sees: [All, All, NoUsers, NoUsers, Own, Unauth],
    },
    ReadPath {
        what: "the audit log of users",
        method: "GET",
        path: "/api/v1/audit?resource_type=user",
        body: None,
        present: r#""items""#,
        foreign: "",
        users: r#""resource_type":"user""#,
        sees: [All, All, NoUsers, NoUsers, Own, Unauth],
    },
    ReadPath {
        what: "the audit log of API tokens",
        method: "GET",
        path: "/api/v1/audit?resource_type=api_token",
        body: None,
        present: r#""items""#,
        foreign: "",
        users: r#""resource_type":"api_token""#,
        sees: [All, All, NoUsers, NoUsers, Own, Unauth],
    },
    ReadPath {
        what: "the audit log of webhook subscriptions",
        method: "GET",
        path: "/api/v1/audit?resource_type=webhook",
        body: None,
        present: r#""items""#,
        foreign: "",
        users: r#""resource_type":"webhook""#,
        sees: [All, All, NoUsers, NoUsers, Own, Unauth],
    },
    ReadPath {
        what: "the audit log of another project",
        method: "GET",
        path: "/api/v1/audit?project=default",
        body: None,
        present: r#""project":"default""#,
        foreign: "",
        users: "",
        sees: [All, All, All, All, No, Unauth],
    },
    ReadPath {
        what: "the live audit stream",
        method: "STREAM",
        path: "/api/v1/stream",
        body: None,
        present: r#""project":"alpha""#,
        foreign: r#""project":"default""#,
        users: r#""resource_type":"user""#,
        sees: [All, All, NoUsers, NoUsers, Own, Unauth],
    },
    ReadPath {
        what: "the SDK configuration of the key's environment",
        method: "GET",
        path: "/sdk/v1/config",
        body: None,
        present: r#""key":"f-default""#,
        foreign: "",
        users: "",
        sees: [Unauth, Unauth, Unauth, Unauth, Unauth, All],
    },
    ReadPath {
        what: "OFREP evaluation in the key's environment",
        method: "POST",
        path: "/ofrep/v1/evaluate/flags",
        body: Some(r#"{"context": {"targetingKey": "u1"}}"#),
        present: r#""key":"f-default""#,
        foreign: "",
        users: "",
        sees: [Unauth, Unauth, Unauth, Unauth, Unauth, All],
    },
];

/// The matrix as the Markdown table `docs/security.md` shows.
fn matrix_markdown() -> String {
    let mut out = format!("| What is read | Route | {} |\n", KINDS.join(" | "));
    out.push_str(&format!("|---|---|{}\n", "---|".repeat(KINDS.len())));
    for row in READ_PATHS {
        let method = if row.method == "STREAM" { "GET" } else { row.method };
        let cells: Vec<&str> = row.sees.iter().map(|s| s.cell()).collect();
        out.push_str(&format!("| {} | `{method} {}` | {} |\n", row.what, row.path, cells.join(" | ")));
    }
    out
}

const BEGIN: &str = "<!-- read matrix: generated from server/tests/api/scopes.rs -->\n";
const END: &str = "<!-- end of read matrix -->";

/// Checks (or, with `VEXIL_WRITE_DOCS=1`, writes) the table in `docs/security.md`.
fn check_document() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/security.md");
    let doc = std::fs::read_to_string(path).expect("docs/security.md");
    let start = doc.find(BEGIN).expect("docs/security.md has the read matrix markers") + BEGIN.len();
    let end = doc[start..].find(END).expect("the end marker") + start;
    let table = matrix_markdown();
    if doc[start..end] != table {
        if std::env::var_os("VEXIL_WRITE_DOCS").is_some() {
            std::fs::write(path, format!("{}{table}{}", &doc[..start], &doc[end..]))
                .expect("write the document");
        } else {
            panic!(
                "docs/security.md's read matrix differs from the one the tests check; \
                 run the test with VEXIL_WRITE_DOCS=1 or paste:\n{table}"
            );
        }
    }
}

/// Reads an event stream until `needle` appears (or the stream ends: a failure).
async fn read_until(mut body: Body, needle: &str) -> String {
    let mut text = String::new();
    while !text.contains(needle) {
        // A guard against a hang, not a timing check.
        match tokio::time::timeout(Duration::from_secs(30), body.frame()).await {
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    text.push_str(&String::from_utf8_lossy(&data));
                }
            }
            other => panic!("the stream ended before {needle:?} ({:?}): {text}", other.is_ok()),
        }
    }
    text
}

async fn every_read_path_gives_each_credential_what_the_matrix_says(app: TestApp) {
    check_document();
    // Two projects with one flag and one segment each.
    let r = app.req(Method::POST, "/api/v1/projects").json(json!({"key": "alpha"})).send().await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    for project in ["default", "alpha"] {
        let base = format!("/api/v1/projects/{project}");
        let r = app
            .req(Method::POST, &format!("{base}/flags"))
            .json(json!({"key": format!("f-{project}"), "kind": "boolean"}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let r = app
            .req(Method::POST, &format!("{base}/segments"))
            .json(json!({"key": format!("s-{project}")}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let r = app
            .req(Method::POST, &format!("{base}/webhooks"))
            .json(json!({"url": format!("https://hooks.example.com/{project}"), "event_types": ["break_glass"]}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let mut credentials = vec![app.owner_token.clone()];
    for role in ["admin", "editor", "viewer"] {
        let email = format!("{role}@example.com");
        let r = app
            .req(Method::POST, "/api/v1/users")
            .json(json!({"email": email, "password": "a-long-password", "role": role}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        credentials.push(app.login(&email, "a-long-password").await);
    }
    let r = app
        .req(Method::POST, "/api/v1/users")
        .json(json!({"email": "other@example.com", "password": "a-long-password", "role": "editor"}))
        .send()
        .await;
    let other = r.body["id"].as_str().expect("id").to_owned();
    let r = app
        .req(Method::POST, "/api/v1/tokens")
        .json(json!({"name": "unscoped automation", "role": "viewer"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    credentials.push(app.token_with_role("admin", Some("alpha")).await);
    credentials.push(crate::sdk::sdk_key(&app, "production", "server").await);

    // Streams open first; the changes they must (or must not) hear come after.
    let mut streams = Vec::new();
    for credential in &credentials {
        let r = app.call(Method::POST, "/api/v1/auth/stream-token").token(credential).send().await;
        if r.status != StatusCode::OK {
            streams.push(Err(r.status));
            continue;
        }
        let token = r.body["token"].as_str().expect("token");
        let req = Request::get(format!("/api/v1/stream?token={token}")).body(Body::empty()).expect("request");
        let response = app.router.clone().oneshot(req).await.expect("infallible");
        assert_eq!(response.status(), StatusCode::OK);
        streams.push(Ok(response.into_body()));
    }
    let writes = [
        (Method::POST, "/api/v1/projects/default/flags", json!({"key": "stream-default", "kind": "boolean"})),
        (
            Method::POST,
            "/api/v1/users",
            json!({"email": "stream-user@example.com", "password": "a-long-password", "role": "viewer"}),
        ),
        (Method::POST, "/api/v1/tokens", json!({"name": "stream token", "role": "viewer"})),
        (
            Method::POST,
            "/api/v1/tokens",
            json!({"name": "alpha stream token", "role": "viewer", "project": "alpha"}),
        ),
        (Method::POST, "/api/v1/projects/alpha/flags", json!({"key": "sentinel", "kind": "boolean"})),
    ];
    for (method, path, body) in writes {
        let r = app.req(method, path).json(body).send().await;
        assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.text);
    }

    let mut checked = 0;
    for row in READ_PATHS {
        let path = row.path.replace("{other}", &other);
        for (i, expected) in row.sees.iter().enumerate() {
            let who = KINDS[i];
            let (status, text) = if row.method == "STREAM" {
                match std::mem::replace(&mut streams[i], Err(StatusCode::GONE)) {
                    Ok(body) => (StatusCode::OK, read_until(body, "sentinel").await),
                    Err(status) => (status, String::new()),
                }
            } else {
                let method = row.method.parse::<Method>().expect("method");
                let mut call = app.call(method, &path).token(&credentials[i]);
                if let Some(body) = row.body {
                    call = call.json(serde_json::from_str(body).expect("body"));
                }
                let r = call.send().await;
                (r.status, r.text)
            };
            let excerpt: String = text.chars().take(400).collect();
            let at = format!("{} {path} as {who}: expected {expected:?}, got {status} {excerpt}", row.method);
            match expected {
                Unauth => assert_eq!(status, StatusCode::UNAUTHORIZED, "{at}"),
                No => assert_eq!(status, StatusCode::FORBIDDEN, "{at}"),
                All | NoUsers | Own => {
                    assert_eq!(status, StatusCode::OK, "{at}");
                    assert!(text.contains(row.present), "{at}: {:?} missing", row.present);
                    if !row.foreign.is_empty() {
                        assert_eq!(text.contains(row.foreign), *expected != Own, "{at}: {:?}", row.foreign);
                    }
                    if !row.users.is_empty() {
                        assert_eq!(text.contains(row.users), *expected == All, "{at}: {:?}", row.users);
                    }
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, READ_PATHS.len() * KINDS.len());
}
