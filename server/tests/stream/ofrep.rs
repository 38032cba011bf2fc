//! OFREP for OpenFeature clients, over real processes and sockets on both databases:
//! notification streams that never miss a change (first connect, reconnect, another
//! replica behind), stream URLs that never expire in a cached answer and work behind a
//! path prefix, per-flag metadata that changes only with the flag, CORS for client keys,
//! answers in the protocol's shape, and usage.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use vexil_testkit::{Admin, Server, TestDb, eventually};

use crate::support::{Sse, server};

const WAIT: Duration = Duration::from_secs(15);

/// Declares each listed `async fn(TestDb)` as two tests, one per database.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_postgres() {
                    super::$name(vexil_testkit::TestDb::postgres().await).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_sqlite() {
                    super::$name(vexil_testkit::TestDb::sqlite()).await;
                }
            }
        )*
    };
}

on_both_databases!(
    a_stream_opened_after_a_bulk_answer_announces_a_change_made_in_between,
    a_reconnecting_stream_hears_of_every_change_made_while_it_was_away,
    a_revalidated_bulk_answer_never_carries_an_expired_stream_url,
    per_flag_metadata_changes_only_when_that_flags_answer_changes,
    the_stream_url_works_behind_a_path_prefix,
    routes_for_client_keys_answer_any_origin_and_the_admin_api_none,
    every_ofrep_answer_is_in_the_protocols_shape,
    json_values_the_protocol_cannot_carry_are_never_served,
    ofrep_evaluations_count_as_usage_and_as_last_evaluated,
);

/// A bulk evaluation: status, ETag and body.
struct Bulk {
    status: u16,
    etag: Option<String>,
    body: Value,
    content_type: String,
}

impl Bulk {
    /// The `eventStreams` entry.
    fn stream(&self) -> &Value {
        &self.body["eventStreams"][0]
    }

    /// One flag's item.
    fn flag(&self, key: &str) -> &Value {
        self.body["flags"]
            .as_array()
            .and_then(|flags| flags.iter().find(|f| f["key"] == key))
            .unwrap_or_else(|| panic!("no {key} in {}", self.body))
    }
}

async fn bulk(base: &str, key: &str, context: Value, etag: Option<&str>, headers: &[(&str, &str)]) -> Bulk {
    let mut req = reqwest::Client::new()
        .post(format!("{base}/ofrep/v1/evaluate/flags"))
        .header("authorization", format!("Bearer {key}"))
        .json(&json!({"context": context}));
    if let Some(e) = etag {
        req = req.header("if-none-match", e);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let r = req.send().await.expect("bulk request");
    let status = r.status().as_u16();
    let etag = r.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let content_type =
        r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let text = r.text().await.unwrap_or_default();
    Bulk { status, etag, body: serde_json::from_str(&text).unwrap_or(Value::Null), content_type }
}

/// The address a provider connects to for an `eventStreams` entry whose OFREP base URL
/// is `base`: `url` as it is, or the base URL's origin followed by `endpoint.requestUri`.
fn stream_url(base: &str, entry: &Value) -> String {
    if let Some(url) = entry["url"].as_str() {
        return url.to_owned();
    }
    let uri = entry["endpoint"]["requestUri"].as_str().unwrap_or_else(|| panic!("no address in {entry}"));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let origin_end = base[after_scheme..].find('/').map_or(base.len(), |i| after_scheme + i);
    format!("{}{uri}", &base[..origin_end])
}

/// A server with flags `a` and `b` (client-visible), production keys, and the owner.
struct Ofrep {
    server: Server,
    admin: Admin,
    client_key: String,
    _db: TestDb,
}

async fn start(db: TestDb, env: &[(&str, &str)]) -> Ofrep {
    let server = server(&db).env(env).start().await;
    let admin = Admin::login(&server).await;
    for flag in ["a", "b"] {
        let body = json!({"key": flag, "kind": "boolean", "client_visible": true});
        let (s, b) = admin.call(Method::POST, "/api/v1/projects/default/flags", Some(body)).await;
        assert_eq!(s, 201, "{b}");
    }
    let (client_key, _) = admin.sdk_key("client").await;
    Ofrep { server, admin, client_key, _db: db }
}

/// The notice the stream sends next, with its version.
async fn notice(stream: &mut Sse) -> u64 {
    let e = stream.next(WAIT).await.expect("a notice");
    assert_eq!(e.json()["type"], "refetchEvaluation", "{e:?}");
    assert_eq!(e.json()["etag"], e.version().to_string(), "{e:?}");
    e.version()
}

async fn a_stream_opened_after_a_bulk_answer_announces_a_change_made_in_between(db: TestDb) {
    let t = start(db, &[]).await;
    let answer = bulk(&t.server.base, &t.client_key, json!({"targetingKey": "u1"}), None, &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let held: u64 = answer.body["metadata"]["version"].as_str().unwrap().parse().unwrap();
    // The provider has its answer; before its stream connects, a kill switch.
    t.admin.toggle("a", true).await;
    let mut stream = Sse::open(&stream_url(&t.server.base, answer.stream()), &[]).await;
    assert_eq!(stream.status, 200);
    assert_eq!(notice(&mut stream).await, held + 1, "the change made in between is announced on connect");

    // A stream that opens with the version current announces nothing until a change.
    let fresh = bulk(&t.server.base, &t.client_key, json!({"targetingKey": "u1"}), None, &[]).await;
    let mut current = Sse::open(&stream_url(&t.server.base, fresh.stream()), &[]).await;
    t.admin.toggle("b", true).await;
    assert_eq!(notice(&mut current).await, held + 2, "no notice for what the answer already had");
}

async fn a_reconnecting_stream_hears_of_every_change_made_while_it_was_away(db: TestDb) {
    let t = start(db, &[]).await;
    let answer = bulk(&t.server.base, &t.client_key, json!({"targetingKey": "u1"}), None, &[]).await;
    let url = stream_url(&t.server.base, answer.stream());
    let mut stream = Sse::open(&url, &[]).await;
    t.admin.toggle("a", true).await;
    let seen = notice(&mut stream).await;
    drop(stream);
    // Changed while the client was away.
    t.admin.toggle("a", false).await;
    let seen_id = seen.to_string();

    // The header EventSource sends on reconnect.
    let mut resumed = Sse::open(&url, &[("last-event-id", &seen_id)]).await;
    assert_eq!(resumed.status, 200);
    assert_eq!(notice(&mut resumed).await, seen + 1, "Last-Event-ID");

    // The query parameter polyfills add instead, next to ones the server does not know.
    let polyfill = format!("{url}&lastEventId={seen}&t=1700000000&unknown=x");
    let mut resumed = Sse::open(&polyfill, &[]).await;
    assert_eq!(resumed.status, 200, "unknown parameters are not an error");
    assert_eq!(notice(&mut resumed).await, seen + 1, "lastEventId");

    // A client that already has everything is told nothing until the next change.
    let latest = (seen + 1).to_string();
    let mut current = Sse::open(&url, &[("last-event-id", &latest)]).await;
    t.admin.toggle("b", true).await;
    assert_eq!(notice(&mut current).await, seen + 2);
}

async fn a_revalidated_bulk_answer_never_carries_an_expired_stream_url(db: TestDb) {
    // Stream URLs valid for two to four seconds, so that one expires during the test.
    let t = start(db, &[("VEXIL_OFREP_STREAM_TOKEN_SECONDS", "2")]).await;
    let ctx = json!({"targetingKey": "u1"});
    let first = bulk(&t.server.base, &t.client_key, ctx.clone(), None, &[]).await;
    let etag = first.etag.clone().expect("an ETag");
    let url = stream_url(&t.server.base, first.stream());
    assert_eq!(Sse::open(&url, &[]).await.status, 200);
    let same = bulk(&t.server.base, &t.client_key, ctx.clone(), Some(&etag), &[]).await;
    assert!(same.status == 304 || same.status == 200, "{}", same.status);

    eventually("the first stream URL to expire", || async {
        (Sse::open(&url, &[]).await.status == 401).then_some(())
    })
    .await;
    // Nothing changed but the URL: the cached answer must not be confirmed.
    let again = bulk(&t.server.base, &t.client_key, ctx, Some(&etag), &[]).await;
    assert_eq!(again.status, 200, "a 304 would leave the provider with an expired stream URL");
    assert_ne!(again.etag.as_deref(), Some(etag.as_str()));
    let renewed = stream_url(&t.server.base, again.stream());
    assert_ne!(renewed, url);
    assert_eq!(Sse::open(&renewed, &[]).await.status, 200, "the new URL opens");
}

async fn per_flag_metadata_changes_only_when_that_flags_answer_changes(db: TestDb) {
    let t = start(db, &[]).await;
    let ctx = json!({"targetingKey": "u1"});
    let before = bulk(&t.server.base, &t.client_key, ctx.clone(), None, &[]).await;
    t.admin.toggle("a", true).await;
    let v = t.admin.env_version().await.to_string();
    let after = eventually("the bulk answer to reach the change", || async {
        let b = bulk(&t.server.base, &t.client_key, ctx.clone(), None, &[]).await;
        (b.body["metadata"]["version"] == v.as_str()).then_some(b)
    })
    .await;
    assert_ne!(before.flag("a"), after.flag("a"), "the toggled flag's answer changed");
    assert_eq!(before.flag("b"), after.flag("b"), "the other flag's item is unchanged, metadata included");
    assert!(after.flag("b")["metadata"].get("environmentVersion").is_none());
    assert_ne!(before.body["metadata"], after.body["metadata"], "the version is in the answer's metadata");
}

/// A reverse proxy that serves Vexil under `/flags`: it strips the prefix, says so in
/// `X-Forwarded-Prefix`, and answers 404 for anything outside it. Streams pass through.
async fn prefix_proxy(upstream: String) -> String {
    use axum::body::Body;
    use axum::extract::Request;
    use axum::response::Response;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/flags", listener.local_addr().expect("address"));
    let http = reqwest::Client::new();
    let app = axum::Router::new().fallback(move |req: Request| {
        let (http, upstream) = (http.clone(), upstream.clone());
        async move {
            let path = req.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned();
            let Some(rest) = path.strip_prefix("/flags").filter(|r| r.starts_with('/')) else {
                return Response::builder().status(404).body(Body::from("not under /flags")).unwrap();
            };
            let mut forward = http.request(req.method().clone(), format!("{upstream}{rest}"));
            for (name, value) in req.headers() {
                if name != "host" {
                    forward = forward.header(name, value);
                }
            }
            let body = axum::body::to_bytes(req.into_body(), 1 << 20).await.unwrap_or_default();
            let r = forward.header("x-forwarded-prefix", "/flags").body(body).send().await.expect("upstream");
            let mut out = Response::builder().status(r.status().as_u16());
            for (name, value) in r.headers() {
                out = out.header(name, value);
            }
            out.body(Body::from_stream(r.bytes_stream())).unwrap()
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

async fn the_stream_url_works_behind_a_path_prefix(db: TestDb) {
    let t = start(db, &[]).await;
    let base = prefix_proxy(t.server.base.clone()).await;
    let answer = bulk(&base, &t.client_key, json!({"targetingKey": "u1"}), None, &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let url = stream_url(&base, answer.stream());
    assert!(url.starts_with(&format!("{base}/ofrep/v1/events?")), "{url}");
    let mut stream = Sse::open(&url, &[]).await;
    assert_eq!(stream.status, 200, "{url}");
    t.admin.toggle("a", true).await;
    notice(&mut stream).await;

    // With the public address configured, the URL is absolute, whatever the proxy says.
    let public = TestDb::sqlite();
    let configured =
        server(&public).env(&[("VEXIL_PUBLIC_URL", "https://flags.example.com/vexil/")]).start().await;
    let admin = Admin::login(&configured).await;
    let (key, _) = admin.sdk_key("client").await;
    let answer = bulk(&configured.base, &key, json!({}), None, &[("x-forwarded-prefix", "/other")]).await;
    let url = answer.stream()["url"].as_str().unwrap_or_else(|| panic!("an absolute url: {}", answer.body));
    assert!(url.starts_with("https://flags.example.com/vexil/ofrep/v1/events?token="), "{url}");
    assert!(answer.stream().get("endpoint").is_none());
    // A prefix that would make the link leave the server is ignored.
    let odd =
        bulk(&t.server.base, &t.client_key, json!({}), None, &[("x-forwarded-prefix", "//evil.example")])
            .await;
    let uri = odd.stream()["endpoint"]["requestUri"].as_str().unwrap();
    assert!(uri.starts_with("/ofrep/v1/events?"), "{uri}");
}

/// The CORS headers of a preflight request from `origin`.
async fn preflight(base: &str, path: &str, origin: &str, method: &str, headers: &str) -> reqwest::Response {
    reqwest::Client::new()
        .request(Method::OPTIONS, format!("{base}{path}"))
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", headers)
        .send()
        .await
        .expect("preflight")
}

fn allowed_origin(r: &reqwest::Response) -> Option<String> {
    r.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

async fn routes_for_client_keys_answer_any_origin_and_the_admin_api_none(db: TestDb) {
    let t = start(db, &[]).await;
    let shop = "https://shop.example";
    for (path, method, headers) in [
        ("/ofrep/v1/evaluate/flags", "POST", "authorization,content-type,if-none-match"),
        ("/ofrep/v1/evaluate/flags/a", "POST", "x-api-key,content-type"),
        ("/ofrep/v1/events", "GET", "last-event-id"),
        ("/sdk/v1/events", "POST", "authorization,content-type"),
    ] {
        let r = preflight(&t.server.base, path, shop, method, headers).await;
        assert!(r.status().is_success(), "{path}: {}", r.status());
        assert_eq!(allowed_origin(&r).as_deref(), Some("*"), "{path}");
        let allowed =
            r.headers().get("access-control-allow-headers").and_then(|v| v.to_str().ok()).unwrap_or("");
        for h in headers.split(',') {
            assert!(allowed.contains(h), "{path} allows {h}: {allowed}");
        }
    }
    // The answer itself carries the header, and exposes the ETag.
    let r = reqwest::Client::new()
        .post(format!("{}/ofrep/v1/evaluate/flags", t.server.base))
        .header("origin", shop)
        .header("x-api-key", &t.client_key)
        .json(&json!({"context": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(allowed_origin(&r).as_deref(), Some("*"));
    let exposed =
        r.headers().get("access-control-expose-headers").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(exposed.contains("etag"), "{exposed}");
    // The admin API, and the routes for server keys, stay closed.
    for (path, method) in
        [("/api/v1/projects", "GET"), ("/api/v1/auth/login", "POST"), ("/sdk/v1/config", "GET")]
    {
        let r = preflight(&t.server.base, path, shop, method, "authorization").await;
        assert_eq!(allowed_origin(&r), None, "{path}");
    }

    // Configured: the admin API opens to its own origins only, client routes to theirs.
    let configured = TestDb::sqlite();
    let s = server(&configured)
        .env(&[("VEXIL_CORS_ORIGINS", "https://admin.example"), ("VEXIL_CLIENT_CORS_ORIGINS", shop)])
        .start()
        .await;
    let admin = preflight(&s.base, "/api/v1/projects", "https://admin.example", "GET", "authorization").await;
    assert_eq!(allowed_origin(&admin).as_deref(), Some("https://admin.example"));
    let admin_for_ofrep =
        preflight(&s.base, "/ofrep/v1/evaluate/flags", "https://admin.example", "POST", "authorization")
            .await;
    assert_eq!(allowed_origin(&admin_for_ofrep), None);
    let shop_for_ofrep = preflight(&s.base, "/ofrep/v1/evaluate/flags", shop, "POST", "authorization").await;
    assert_eq!(allowed_origin(&shop_for_ofrep).as_deref(), Some(shop));
    let shop_for_admin = preflight(&s.base, "/api/v1/projects", shop, "GET", "authorization").await;
    assert_eq!(allowed_origin(&shop_for_admin), None);
}

/// Checks an OFREP error answer: status, JSON content type, `errorCode` and
/// `errorDetails`, and `key` exactly when `key` is given.
fn assert_ofrep_error(
    status: u16,
    content_type: &str,
    body: &Value,
    expected: u16,
    key: Option<&str>,
    what: &str,
) {
    assert_eq!(status, expected, "{what}: {body}");
    assert_eq!(content_type, "application/json", "{what}: {body}");
    assert!(body["errorCode"].as_str().is_some_and(|c| !c.is_empty()), "{what}: {body}");
    assert!(body["errorDetails"].as_str().is_some_and(|c| !c.is_empty()), "{what}: {body}");
    assert_eq!(body["key"].as_str(), key, "{what}: {body}");
    assert!(
        body.get("type").is_none() && body.get("status").is_none(),
        "{what}: not a problem document: {body}"
    );
}

async fn single(base: &str, key: &str, flag: &str) -> (u16, String, Value) {
    let r = reqwest::Client::new()
        .post(format!("{base}/ofrep/v1/evaluate/flags/{flag}"))
        .header("x-api-key", key)
        .json(&json!({"context": {"targetingKey": "u1"}}))
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, ct, r.json().await.unwrap_or(Value::Null))
}

async fn every_ofrep_answer_is_in_the_protocols_shape(db: TestDb) {
    let t = start(db, &[]).await;
    let base = t.server.base.clone();
    let (s, ct, b) = single(&base, "vx_cli_nope", "a").await;
    assert_ofrep_error(s, &ct, &b, 401, Some("a"), "unknown key, one flag");
    let r = bulk(&base, "vx_cli_nope", json!({}), None, &[]).await;
    assert_ofrep_error(r.status, &r.content_type, &r.body, 401, None, "unknown key, bulk");
    let r = reqwest::get(format!("{base}/ofrep/v1/evaluate/flags")).await.unwrap();
    let (s, ct) = (r.status().as_u16(), r.headers()["content-type"].to_str().unwrap().to_owned());
    assert_ofrep_error(s, &ct, &r.json().await.unwrap(), 405, None, "wrong method");
    let r = reqwest::get(format!("{base}/ofrep/v1/events?token=forged")).await.unwrap();
    let (s, ct) = (r.status().as_u16(), r.headers()["content-type"].to_str().unwrap().to_owned());
    assert_ofrep_error(s, &ct, &r.json().await.unwrap(), 401, None, "forged stream token");

    // A deleted environment: its keys answer 401 at once, never a 404 (which a provider
    // takes for "no such flag"), and keep doing so once the key lookup is gone.
    let (s, b) = t
        .admin
        .call(
            Method::POST,
            "/api/v1/projects/default/environments",
            Some(json!({"key": "preview", "name": "Preview"})),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = t
        .admin
        .call(
            Method::POST,
            "/api/v1/projects/default/environments/preview/sdk-keys",
            Some(json!({"kind": "client"})),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let staging = b["key"].as_str().unwrap().to_owned();
    let ok = bulk(&base, &staging, json!({}), None, &[]).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let stream = stream_url(&base, ok.stream());
    let (s, b) = t.admin.call(Method::DELETE, "/api/v1/projects/default/environments/preview", None).await;
    assert!(s == 204 || s == 200, "{s} {b}");
    let (s, ct, b) = single(&base, &staging, "a").await;
    assert_ofrep_error(s, &ct, &b, 401, Some("a"), "deleted environment, one flag");
    let r = bulk(&base, &staging, json!({}), None, &[]).await;
    assert_ofrep_error(r.status, &r.content_type, &r.body, 401, None, "deleted environment, bulk");
    let r = reqwest::get(&stream).await.unwrap();
    let (s, ct) = (r.status().as_u16(), r.headers()["content-type"].to_str().unwrap().to_owned());
    assert_ofrep_error(s, &ct, &r.json().await.unwrap(), 401, None, "deleted environment, stream");

    // A revoked key.
    let (key, id) = t.admin.sdk_key("server").await;
    assert_eq!(single(&base, &key, "a").await.0, 200);
    let path = format!("/api/v1/projects/default/environments/production/sdk-keys/{id}");
    let (s, b) = t.admin.call(Method::DELETE, &path, None).await;
    assert!(s == 204 || s == 200, "{s} {b}");
    let (s, ct, b) = single(&base, &key, "a").await;
    assert_ofrep_error(s, &ct, &b, 401, Some("a"), "revoked key");
}

async fn json_values_the_protocol_cannot_carry_are_never_served(db: TestDb) {
    let t = start(db, &[]).await;
    let flag = json!({"key": "layout", "kind": "json", "client_visible": true, "variants": [
        {"key": "none", "value": null}, {"key": "list", "value": [1, 2]}, {"key": "grid", "value": {"columns": 3}}]});
    let (s, b) = t.admin.call(Method::POST, "/api/v1/projects/default/flags", Some(flag)).await;
    assert_eq!(s, 201, "{b}");
    let serve =
        |variant: &str| json!({"enabled": true, "off_variant": "grid", "default": {"variant": variant}});
    let (server_key, _) = t.admin.sdk_key("server").await;
    for (variant, expect) in [("grid", "object"), ("none", "no value"), ("list", "failure")] {
        t.admin.put_config("layout", serve(variant)).await;
        let v = t.admin.env_version().await.to_string();
        let answer = eventually("the bulk answer to reach the change", || async {
            let b = bulk(&t.server.base, &t.client_key, json!({}), None, &[]).await;
            (b.body["metadata"]["version"] == v.as_str()).then_some(b)
        })
        .await;
        let item = answer.flag("layout").clone();
        let (status, _, one) = single(&t.server.base, &server_key, "layout").await;
        match expect {
            "object" => {
                assert_eq!(item["value"], json!({"columns": 3}));
                assert_eq!((status, &one["value"]), (200, &json!({"columns": 3})));
            }
            "no value" => {
                // The protocol's "use the code default": a success without `value`.
                assert!(item.get("value").is_none() && item["variant"] == "none", "{item}");
                assert!(status == 200 && one.get("value").is_none(), "{one}");
            }
            _ => {
                assert_eq!(item["errorCode"], "GENERAL", "{item}");
                assert!(item.get("value").is_none(), "{item}");
                assert_eq!((status, &one["errorCode"]), (400, &json!("GENERAL")), "{one}");
            }
        }
    }
}

async fn ofrep_evaluations_count_as_usage_and_as_last_evaluated(db: TestDb) {
    let t = start(db, &[("VEXIL_USAGE_FLUSH_SECONDS", "1")]).await;
    t.admin.toggle("a", true).await;
    let (server_key, _) = t.admin.sdk_key("server").await;
    let v = t.admin.env_version().await.to_string();
    eventually("the answer to reach the change", || async {
        let b = bulk(&t.server.base, &t.client_key, json!({}), None, &[]).await;
        (b.body["metadata"]["version"] == v.as_str()).then_some(())
    })
    .await;
    for _ in 0..3 {
        assert_eq!(single(&t.server.base, &server_key, "a").await.0, 200);
    }
    // A flag nobody asked for stays unevaluated.
    let (s, b) = t
        .admin
        .call(
            Method::POST,
            "/api/v1/projects/default/flags",
            Some(json!({"key": "unused", "kind": "boolean"})),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let usage = eventually("OFREP usage to be written", || async {
        let path = "/api/v1/projects/default/flags/a/usage?environment=production&hours=1";
        let (_, b) = t.admin.call(Method::GET, path, None).await;
        let on: i64 = b["series"]
            .as_array()?
            .iter()
            .filter(|s| s["variant"] == "on")
            .flat_map(|s| s["points"].as_array().cloned().unwrap_or_default())
            .filter_map(|p| p["count"].as_i64())
            .sum();
        // One bulk answer (at least) and three single evaluations.
        (on >= 4).then_some(on)
    })
    .await;
    assert!(usage >= 4);
    let (s, flags) = t.admin.call(Method::GET, "/api/v1/projects/default/flags", None).await;
    assert_eq!(s, 200, "{flags}");
    let by_key = |k: &str| flags["items"].as_array().unwrap().iter().find(|f| f["key"] == k).unwrap().clone();
    assert!(by_key("a")["last_evaluated_at"].is_string(), "{}", by_key("a"));
    assert!(by_key("unused")["last_evaluated_at"].is_null(), "{}", by_key("unused"));
}

/// A replica that has not yet heard of a change another one announced answers the
/// provider's re-fetch (which names the announced version in `flagConfigEtag`) with that
/// version, not with the older one it holds; otherwise the provider, told "refetch",
/// would keep stale values until the next change. To hold a replica behind on purpose,
/// the second one shares the first one's SQLite file: no notification reaches it, and
/// its periodic version check is an hour away.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_behind_answers_a_refetch_with_the_version_the_notice_named() {
    let t = start(TestDb::sqlite(), &[]).await;
    let behind = server(&t._db).env(&[("VEXIL_VERSION_CHECK_SECONDS", "3600")]).start().await;
    let ctx = json!({"targetingKey": "u1"});
    let before = bulk(&behind.base, &t.client_key, ctx.clone(), None, &[]).await;
    assert_eq!(before.status, 200, "{}", before.body);
    let mut stream = Sse::open(&stream_url(&t.server.base, before.stream()), &[]).await;
    t.admin.toggle("a", true).await;
    let announced = notice(&mut stream).await;

    let stale = bulk(&behind.base, &t.client_key, ctx.clone(), None, &[]).await;
    assert_eq!(stale.body["metadata"], before.body["metadata"], "the second replica is behind");
    // What the provider sends when the notice arrives.
    let r = reqwest::Client::new()
        .post(format!("{}/ofrep/v1/evaluate/flags?flagConfigEtag={announced}", behind.base))
        .header("authorization", format!("Bearer {}", t.client_key))
        .header("if-none-match", before.etag.as_deref().unwrap_or_default())
        .json(&json!({"context": ctx}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "a 304 would confirm the values from before the announced change");
    let fresh: Value = r.json().await.expect("a body");
    assert_eq!(fresh["metadata"]["version"], announced.to_string());
    let a = fresh["flags"].as_array().unwrap().iter().find(|f| f["key"] == "a").unwrap();
    assert_eq!(a["value"], true);
}

/// A bulk answer for a client that takes gzip is the same answer, compressed, under an
/// ETag of its own: a cache never serves one representation for the other's validator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gzipped_bulk_answer_is_the_same_answer_under_its_own_etag() {
    use std::io::Read as _;
    let t = start(TestDb::sqlite(), &[]).await;
    t.admin.toggle("a", true).await;
    // No automatic decompression: the test reads what was sent.
    let client = reqwest::Client::builder().no_gzip().build().unwrap();
    let ask = |coding: &'static str, etag: Option<String>| {
        let mut req = client
            .post(format!("{}/ofrep/v1/evaluate/flags", t.server.base))
            .header("authorization", format!("Bearer {}", t.client_key))
            .header("accept-encoding", coding)
            .json(&json!({"context": {"targetingKey": "u1", "plan": "pro"}}));
        if let Some(e) = etag {
            req = req.header("if-none-match", e);
        }
        req.send()
    };
    let header = |r: &reqwest::Response, name: &str| {
        r.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    };

    let plain = ask("identity", None).await.unwrap();
    assert_eq!(plain.status(), 200);
    assert_eq!(header(&plain, "content-encoding"), None);
    let plain_etag = header(&plain, "etag").expect("an etag");
    let plain: Value = plain.json().await.unwrap();

    let zipped = ask("gzip", None).await.unwrap();
    assert_eq!(zipped.status(), 200);
    assert_eq!(header(&zipped, "content-encoding").as_deref(), Some("gzip"));
    assert_eq!(header(&zipped, "vary").as_deref(), Some("accept-encoding"));
    let zipped_etag = header(&zipped, "etag").expect("an etag");
    let bytes = zipped.bytes().await.unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).expect("a gzip body");
    let unzipped: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(unzipped["flags"], plain["flags"]);
    assert_eq!(unzipped["metadata"], plain["metadata"]);
    assert_eq!(plain["flags"].as_array().map(Vec::len), Some(2), "{plain}");

    assert_ne!(zipped_etag, plain_etag);
    // Each validator revalidates its own representation only.
    assert_eq!(ask("gzip", Some(zipped_etag.clone())).await.unwrap().status(), 304);
    assert_eq!(ask("identity", Some(plain_etag.clone())).await.unwrap().status(), 304);
    assert_eq!(ask("gzip", Some(plain_etag)).await.unwrap().status(), 200);
    assert_eq!(ask("identity", Some(zipped_etag)).await.unwrap().status(), 200);
}
