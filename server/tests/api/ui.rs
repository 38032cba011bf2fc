//! `--ui-dir`: the dashboard from a folder instead of the binary (a customised build
//! without recompiling). The built-in dashboard of the release binary is checked by the
//! smoke and browser stages of scripts/test, which run that binary.

use axum::http::{Method, StatusCode, header};

use crate::harness::{Db, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dashboard_folder_is_served_with_its_routes_content_types_and_caching() {
    let dir = tempfile::tempdir().unwrap();
    let index =
        "<!doctype html><div id=\"root\"></div><script type=\"module\" src=\"/assets/app-1.js\"></script>";
    std::fs::write(dir.path().join("index.html"), index).unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::write(dir.path().join("assets/app-1.js"), "console.log(1)").unwrap();
    std::fs::write(dir.path().join("assets/app-1.css"), "body{}").unwrap();
    let app = TestApp::with_args(Db::Sqlite, &["--ui-dir", dir.path().to_str().unwrap()]).await;

    for path in ["/", "/p/default/flags", "/login"] {
        let r = app.call(Method::GET, path).send().await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.content_type().starts_with("text/html"), "{path}: {}", r.content_type());
        assert_eq!(r.text, index, "{path} gets the dashboard's page");
        assert_eq!(r.headers[header::CACHE_CONTROL], "no-cache", "{path}");
    }
    let js = app.call(Method::GET, "/assets/app-1.js").send().await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.content_type().contains("javascript"), "{}", js.content_type());
    assert!(js.headers[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"));
    let css = app.call(Method::GET, "/assets/app-1.css").send().await;
    assert!(css.content_type().starts_with("text/css"), "{}", css.content_type());
    // The API is never answered with the dashboard.
    for path in ["/api/v1/no-such-route", "/sdk/v1/nothing", "/ofrep/v1/nothing", "/api"] {
        let r = app.call(Method::GET, path).send().await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.content_type(), "application/problem+json", "{path}");
    }
}
