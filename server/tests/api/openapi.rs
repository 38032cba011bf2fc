//! The OpenAPI document must not drift from the router: every route is documented and
//! every documented route exists.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};

use crate::harness::{Db, TestApp, match_path, openapi};

/// Modules whose routes are mounted at the root; all others are under `/api/v1`.
const ROOT_MODULES: [&str; 4] = ["health.rs", "sdk.rs", "ofrep.rs", "stream.rs"];

/// (METHOD, path, handler) of every `.route(...)` call in `server/src/http`.
fn routes_in_source() -> BTreeSet<(String, String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http");
    let mut routes = BTreeSet::new();
    for entry in std::fs::read_dir(dir).expect("src/http") {
        let path = entry.expect("entry").path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).expect("source");
        let prefix = if ROOT_MODULES.contains(&file.as_str()) { "" } else { "/api/v1" };
        let mut rest = text.as_str();
        while let Some(i) = rest.find(".route(") {
            rest = &rest[i + ".route(".len()..];
            let Some(start) = rest.find('"') else { break };
            let Some(len) = rest[start + 1..].find('"') else { break };
            let route = &rest[start + 1..start + 1 + len];
            // The method chain runs until the parenthesis that closes `.route(`.
            let mut depth = 1;
            let mut end = 0;
            for (j, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = j;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let chain = &rest[start + 1 + len + 1..end];
            for m in ["get", "post", "put", "patch", "delete"] {
                for (k, _) in chain.match_indices(&format!("{m}(")) {
                    let before = chain[..k].chars().last();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let handler: String = chain[k + m.len() + 1..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    routes.insert((m.to_uppercase(), format!("{prefix}{route}"), handler));
                }
            }
        }
    }
    routes
}

fn routes_in_document() -> BTreeSet<(String, String, String)> {
    let mut routes = BTreeSet::new();
    for (path, item) in openapi()["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                let id = op["operationId"].as_str().unwrap_or_default().to_owned();
                routes.insert((method.to_uppercase(), path.clone(), id));
            }
        }
    }
    routes
}

#[test]
fn the_openapi_document_lists_exactly_the_routes_of_the_router() {
    let source = routes_in_source();
    let document = routes_in_document();
    assert!(source.len() >= 40, "the source scan found only {} routes", source.len());
    let missing: Vec<_> = source.difference(&document).collect();
    let extra: Vec<_> = document.difference(&source).collect();
    assert!(
        missing.is_empty(),
        "routes missing from the OpenAPI document (method, path, operationId): {missing:#?}"
    );
    assert!(extra.is_empty(), "the OpenAPI document lists routes the router does not have: {extra:#?}");
}

#[test]
fn every_operation_declares_its_role_and_error_responses() {
    for (path, item) in openapi()["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let role = op["x-vexil-role"].as_str().unwrap_or_default();
            assert!(
                [
                    "public",
                    "authenticated",
                    "viewer",
                    "editor",
                    "admin",
                    "owner",
                    "sdk",
                    "sdk-server",
                    "stream-token"
                ]
                .contains(&role),
                "{method} {path}: x-vexil-role {role:?}"
            );
            if role != "public" {
                assert!(!op["responses"]["401"].is_null(), "{method} {path} documents no 401");
            }
        }
    }
}

#[tokio::test]
async fn every_documented_route_exists_and_the_document_is_served() {
    let app = TestApp::new(Db::Sqlite).await;
    for (method, path, _) in routes_in_document() {
        let concrete = path.replace('{', "x").replace('}', "");
        let r = app.req(method.parse::<Method>().unwrap(), &concrete).send().await;
        let no_route = r.status == StatusCode::NOT_FOUND && r.body["detail"] == "no such route";
        assert!(
            !no_route && r.status != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path} is documented but not routed"
        );
        assert_eq!(match_path(openapi(), &concrete), Some(path.as_str()));
    }
    let r = app.call(Method::GET, "/openapi.yaml").send().await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.starts_with("openapi: 3.1"), "{}", &r.text[..40.min(r.text.len())]);
}

/// The document generated from the handlers and types (`vexil_server::http::openapi`) is
/// checked in, so a change to the contract shows in review. To regenerate:
/// `VEXIL_UPDATE_OPENAPI=1 cargo test --locked -p vexil-server --all-features --test api -- openapi`.
#[test]
fn the_generated_openapi_document_is_the_checked_in_one() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/generated.yaml");
    let generated = vexil_server::http::openapi::document().to_yaml().expect("the document serialises");
    if std::env::var_os("VEXIL_UPDATE_OPENAPI").is_some() {
        std::fs::write(path, &generated).expect("write openapi/generated.yaml");
        return;
    }
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "openapi/generated.yaml differs from what the code generates; regenerate it with \
         `VEXIL_UPDATE_OPENAPI=1 cargo test --locked -p vexil-server --all-features --test api -- openapi` \
         and review the diff"
    );
}

#[test]
fn the_clone_route_says_it_copies_the_metadata() {
    let doc = openapi();
    let said = doc["paths"]["/api/v1/projects/{project}/flags/{flag}/clone"]["post"]["description"]
        .as_str()
        .expect("description")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(said.contains("metadata (owner, links and properties)"), "{said}");
}
