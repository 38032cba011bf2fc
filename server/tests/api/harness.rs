//! The test harness: a fresh database per test (PostgreSQL or SQLite), the router driven
//! in-process, and helpers to send requests and check responses against the OpenAPI
//! document.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;
use vexil_server::app::{self, AppState};
use vexil_server::config::{Cli, Command, ServeArgs};
use vexil_server::http::App;

pub(crate) use vexil_testkit::{Db, OWNER_EMAIL, OWNER_PASSWORD, TestDb};

/// Serve arguments as the command line would parse them. The signing secret is fixed so
/// that tests can make expired and forged tokens; the default (a generated secret stored
/// in the database) is what the process tests run (vexil-testkit sets none).
pub(crate) fn serve_args(database_url: &str, extra: &[&str]) -> ServeArgs {
    let mut argv = vec![
        "vexil",
        "serve",
        "--database-url",
        database_url,
        "--admin-email",
        OWNER_EMAIL,
        "--admin-password",
        OWNER_PASSWORD,
        "--jwt-secret",
        "test-secret-test-secret-test-secret-0123",
    ];
    argv.extend_from_slice(extra);
    match <Cli as clap::Parser>::try_parse_from(argv).expect("valid test arguments").command {
        Command::Serve(args) => *args,
        _ => unreachable!("serve was parsed"),
    }
}

/// A running application (in-process) on a fresh database.
pub(crate) struct TestApp {
    pub state: AppState,
    pub router: App,
    pub owner_token: String,
    _database: TestDb,
}

impl TestApp {
    pub(crate) async fn new(db: Db) -> TestApp {
        Self::with_args(db, &[]).await
    }

    pub(crate) async fn with_args(db: Db, extra: &[&str]) -> TestApp {
        let database = TestDb::migrated(db).await;
        let args = serve_args(&database.url, extra);
        let state = app::prepare(&args, CancellationToken::new()).await.expect("app starts");
        let router = vexil_server::http::router(state.clone(), &args);
        let mut app = TestApp { state, router, owner_token: String::new(), _database: database };
        app.owner_token = app.login(OWNER_EMAIL, OWNER_PASSWORD).await;
        app
    }

    /// Logs in and returns the token.
    pub(crate) async fn login(&self, email: &str, password: &str) -> String {
        let r = self
            .call(Method::POST, "/api/v1/auth/login")
            .json(json!({"email": email, "password": password}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::OK, "login as {email}: {}", r.body);
        r.body["token"].as_str().expect("token").to_owned()
    }

    /// A request as the owner.
    pub(crate) fn req(&self, method: Method, path: &str) -> Call<'_> {
        self.call(method, path).token(&self.owner_token)
    }

    /// A request without credentials.
    pub(crate) fn call(&self, method: Method, path: &str) -> Call<'_> {
        Call { app: self, method, path: path.to_owned(), headers: Vec::new(), body: None }
    }

    /// Creates an API token with a role (and scope) and returns its secret.
    pub(crate) async fn token_with_role(&self, role: &str, project: Option<&str>) -> String {
        let r = self
            .req(Method::POST, "/api/v1/tokens")
            .json(json!({"name": format!("{role} token {}", uuid::Uuid::new_v4()), "role": role, "project": project}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["token"].as_str().expect("token").to_owned()
    }

    /// Creates a boolean flag in the default project.
    pub(crate) async fn create_flag(&self, key: &str) -> Value {
        let r = self
            .req(Method::POST, "/api/v1/projects/default/flags")
            .json(json!({"key": key, "kind": "boolean"}))
            .send()
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body
    }
}

/// A request being built.
pub(crate) struct Call<'a> {
    app: &'a TestApp,
    method: Method,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

impl Call<'_> {
    pub(crate) fn token(mut self, token: &str) -> Self {
        self.headers.push(("authorization".to_owned(), format!("Bearer {token}")));
        self
    }

    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub(crate) fn if_match(self, version: i64) -> Self {
        self.header("if-match", &format!("\"{version}\""))
    }

    pub(crate) fn json(mut self, body: Value) -> Self {
        self.headers.push(("content-type".to_owned(), "application/json".to_owned()));
        self.body = Some(serde_json::to_vec(&body).expect("json"));
        self
    }

    pub(crate) fn raw(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        if !content_type.is_empty() {
            self.headers.push(("content-type".to_owned(), content_type.to_owned()));
        }
        self.body = Some(body.into());
        self
    }

    pub(crate) async fn send(self) -> Resp {
        let mut req = Request::builder().method(self.method.clone()).uri(&self.path);
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        let req = req.body(self.body.map_or_else(Body::empty, Body::from)).expect("request");
        let response = self.app.router.clone().oneshot(req).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        if headers.get("content-type").is_some_and(|v| v == "text/event-stream") {
            // A stream never ends by itself: leave its body unread.
            return Resp { status, headers, body: Value::Null, text: String::new() };
        }
        let mut bytes = response.into_body().collect().await.expect("body").to_bytes().to_vec();
        if headers.get("content-encoding").is_some_and(|v| v == "gzip") {
            use std::io::Read;
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut plain).expect("a gzip body");
            bytes = plain;
        }
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        let resp = Resp { status, headers, body, text: String::from_utf8_lossy(&bytes).into_owned() };
        check_against_openapi(&self.method, &self.path, &resp);
        resp
    }
}

/// A response.
#[derive(Debug)]
pub(crate) struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    pub(crate) fn etag(&self) -> i64 {
        let v = self.headers.get(header::ETAG).and_then(|v| v.to_str().ok()).expect("an ETag header");
        v.trim_matches('"').parse().expect("numeric ETag")
    }

    pub(crate) fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

/// The OpenAPI document as JSON.
pub(crate) fn openapi() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let yaml: serde_yaml::Value =
            serde_yaml::from_str(vexil_server::http::OPENAPI_YAML).expect("openapi.yaml parses");
        serde_json::to_value(yaml).expect("openapi.yaml is JSON-compatible")
    })
}

/// Finds the documented path template matching a concrete path.
pub(crate) fn match_path<'a>(doc: &'a Value, path: &str) -> Option<&'a str> {
    let path = path.split('?').next().unwrap_or(path);
    let parts: Vec<&str> = path.split('/').collect();
    doc["paths"].as_object()?.keys().map(String::as_str).find(|template| {
        let t: Vec<&str> = template.split('/').collect();
        t.len() == parts.len() && t.iter().zip(&parts).all(|(t, p)| t.starts_with('{') || t == p)
    })
}

type Validators = HashMap<String, Arc<jsonschema::Validator>>;

/// Checks a JSON response body against the schema the document gives for its
/// operation and status. Undocumented statuses on documented operations fail too.
fn check_against_openapi(method: &Method, path: &str, resp: &Resp) {
    static CACHE: OnceLock<Mutex<Validators>> = OnceLock::new();
    let doc = openapi();
    let Some(template) = match_path(doc, path) else { return };
    let op = &doc["paths"][template][method.as_str().to_lowercase()];
    if op.is_null() {
        return;
    }
    let status = resp.status.as_u16().to_string();
    let responses = &op["responses"];
    let response = if responses[&status].is_null() { &responses["default"] } else { &responses[&status] };
    assert!(
        !response.is_null(),
        "{method} {template} answered {status}, which the OpenAPI document does not list: {}",
        resp.text
    );
    let response = resolve(doc, response);
    let Some(content) = response["content"].as_object() else {
        return;
    };
    let ct = resp.content_type().split(';').next().unwrap_or("").trim().to_owned();
    let Some((media, _)) = content.iter().find(|(k, _)| k.split(';').next().unwrap_or("").trim() == ct)
    else {
        panic!("{method} {template} {status}: content type {ct:?} is not documented ({:?})", content.keys());
    };
    if !media.contains("json") {
        return;
    }
    let pointer = if responses[&status].is_null() {
        format!("/paths/{}/{}/responses/default", escape(template), method.as_str().to_lowercase())
    } else {
        format!("/paths/{}/{}/responses/{status}", escape(template), method.as_str().to_lowercase())
    };
    let pointer = match responses_ref(doc, &pointer) {
        Some(r) => format!("{r}/content/{}/schema", escape(media)),
        None => format!("{pointer}/content/{}/schema", escape(media)),
    };
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let cached = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&pointer).cloned();
    let validator = match cached {
        Some(v) => v,
        None => {
            let mut root = doc.clone();
            // A URI fragment: braces of path templates must be percent-encoded.
            let fragment = pointer.replace('{', "%7B").replace('}', "%7D");
            root["$ref"] = Value::String(format!("#{fragment}"));
            root["$schema"] = Value::String("https://json-schema.org/draft/2020-12/schema".to_owned());
            let v = Arc::new(
                jsonschema::validator_for(&root).unwrap_or_else(|e| panic!("schema at {pointer}: {e}")),
            );
            cache.lock().unwrap_or_else(|e| e.into_inner()).insert(pointer.clone(), v.clone());
            v
        }
    };
    let errors: Vec<String> =
        validator.iter_errors(&resp.body).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status} does not match its schema {pointer}:\n{}\nbody: {}",
        errors.join("\n"),
        resp.text
    );
}

/// Follows a response `$ref`, returning the referenced object.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"].as_str() {
        Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or(v),
        None => v,
    }
}

/// The pointer a response object refers to, if it is a `$ref`.
fn responses_ref(doc: &Value, pointer: &str) -> Option<String> {
    doc.pointer(pointer)?["$ref"].as_str().map(|r| r.trim_start_matches('#').to_owned())
}

fn escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}
