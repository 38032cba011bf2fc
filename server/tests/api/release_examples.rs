//! The deployment tools' example configurations (`deploy/examples`), read from their
//! files and played the way each tool plays them against a server on 127.0.0.1: Flagger
//! posts its webhook payload to the gate (2xx passes), Argo Rollouts' web metric sends
//! its headers, reads the answer with the template's JSON path and evaluates the
//! template's success condition. A healthy plan passes both, a rolled-back plan fails
//! both; an edit of the examples that breaks them fails here.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use serde_yaml::Value as Yaml;

use crate::harness::TestApp;

crate::on_both_databases!(the_flagger_example_gates_a_canary_on_the_plan, the_argo_example_measures_the_plan);

/// Where the examples point: the default project's `new-checkout` in production.
const PLAN: &str = "/api/v1/projects/default/flags/new-checkout/environments/production/release-plan";
/// The origin the examples are written for.
const EXAMPLE_ORIGIN: &str = "https://vexil.example.com";

fn example(name: &str) -> Yaml {
    let path = format!("{}/../deploy/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn text<'a>(v: &'a Yaml, what: &str) -> &'a str {
    v.as_str().unwrap_or_else(|| panic!("{what} is not a string: {v:?}"))
}

/// Serves the application on 127.0.0.1 and returns its origin.
async fn serve(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    // `axum::serve` takes a router; the application is one service behind its edge.
    let router = axum::Router::new().fallback_service(app.router.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

/// The flag the examples name, a running plan on it, and a project viewer token.
async fn running_plan(app: &TestApp) -> String {
    let r = app
        .req(Method::POST, "/api/v1/projects/default/flags")
        .json(json!({"key": "new-checkout", "kind": "boolean"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app
        .req(Method::POST, PLAN)
        .json(json!({"treatment": "on", "control": "off",
                     "guardrails": [{"event": "http_5xx", "measure": "rate"}]}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app.req(Method::POST, &format!("{PLAN}/start")).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .req(Method::POST, "/api/v1/tokens")
        .json(json!({"name": "deployment tool", "role": "viewer", "project": "default"}))
        .send()
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["token"].as_str().expect("token").to_owned()
}

async fn roll_back(app: &TestApp) {
    let r = app.req(Method::POST, &format!("{PLAN}/rollback")).send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// One Flagger `rollout` webhook call as Flagger makes it: a POST of
/// `{name, namespace, phase, checksum, metadata}` to the webhook's URL within its
/// timeout. Returns whether the check passed (a 2xx).
async fn flagger_check(canary: &Yaml, webhook: &Yaml, origin: &str, token: &str) -> bool {
    let url = text(&webhook["url"], "the webhook's url").replacen(EXAMPLE_ORIGIN, origin, 1);
    let timeout = text(&webhook["timeout"], "the webhook's timeout");
    let seconds: u64 = timeout.strip_suffix('s').and_then(|s| s.parse().ok()).expect("a timeout in seconds");
    let mut metadata: serde_json::Map<String, Value> = serde_json::Map::new();
    for (k, v) in webhook["metadata"].as_mapping().expect("the webhook's metadata") {
        metadata.insert(text(k, "a metadata key").to_owned(), json!(text(v, "a metadata value")));
    }
    assert_eq!(metadata["token"], "vx_api_REPLACE_WITH_A_VIEWER_TOKEN", "the example's token placeholder");
    metadata.insert("token".to_owned(), json!(token));
    let payload = json!({
        "name": text(&canary["metadata"]["name"], "the canary's name"),
        "namespace": text(&canary["metadata"]["namespace"], "the canary's namespace"),
        "phase": "Progressing",
        "checksum": "85d557f47b",
        "metadata": metadata,
    });
    let r = reqwest::Client::new()
        .post(&url)
        .timeout(Duration::from_secs(seconds))
        .json(&payload)
        .send()
        .await
        .expect("the gate answers");
    r.status().is_success()
}

async fn the_flagger_example_gates_a_canary_on_the_plan(app: TestApp) {
    let canary = example("flagger-canary.yaml");
    assert_eq!(canary["kind"], Yaml::from("Canary"));
    let webhooks = canary["spec"]["analysis"]["webhooks"].as_sequence().expect("webhooks");
    let webhook =
        webhooks.iter().find(|w| w["url"].as_str().is_some_and(|u| u.ends_with("/gate"))).expect("the gate");
    // A rollout webhook runs at every analysis step; its failures count toward the
    // threshold and roll the canary back.
    assert_eq!(webhook["type"], Yaml::from("rollout"));
    assert_eq!(
        text(&webhook["url"], "url").strip_prefix(EXAMPLE_ORIGIN).expect("the example's origin"),
        format!("{PLAN}/gate")
    );
    let token = running_plan(&app).await;
    let origin = serve(&app).await;
    assert!(flagger_check(&canary, webhook, &origin, &token).await, "a running plan passes");
    roll_back(&app).await;
    assert!(!flagger_check(&canary, webhook, &origin, &token).await, "a rolled-back plan fails");
    // Without the token in the metadata the check fails too (401, not a pass).
    assert!(!flagger_check(&canary, webhook, &origin, "vx_api_wrong").await);
}

/// Fills `{{args.<name>}}` as Argo Rollouts does, from the given values or else the
/// template's defaults.
fn with_args(template: &str, args: &Yaml, given: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for arg in args.as_sequence().expect("args") {
        let name = text(&arg["name"], "an arg's name");
        let value = given
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| (*v).to_owned())
            .or_else(|| arg["value"].as_str().map(str::to_owned));
        if let Some(value) = value {
            out = out.replace(&format!("{{{{args.{name}}}}}"), &value);
        }
    }
    assert!(!out.contains("{{"), "every placeholder is filled: {out}");
    out
}

/// One measurement of the web metric as Argo Rollouts takes it: a GET of the URL with
/// the headers, the JSON path applied to the body, and the success condition evaluated
/// on the result. Returns whether the measurement succeeded.
async fn argo_measure(template: &Yaml, given: &[(&str, &str)]) -> bool {
    let args = &template["spec"]["args"];
    let metric = &template["spec"]["metrics"][0];
    let web = &metric["provider"]["web"];
    let url = with_args(text(&web["url"], "the url"), args, given);
    let mut request = reqwest::Client::new().get(&url);
    if let Some(seconds) = web["timeoutSeconds"].as_u64() {
        request = request.timeout(Duration::from_secs(seconds));
    }
    for header in web["headers"].as_sequence().expect("headers") {
        request = request.header(
            text(&header["key"], "a header's key"),
            with_args(text(&header["value"], "a header's value"), args, given),
        );
    }
    let r = request.send().await.expect("the verdict answers");
    // A non-2xx answer is an error of the measurement, not a verdict.
    assert_eq!(r.status(), reqwest::StatusCode::OK, "the verdict answers 200 whatever the plan's state");
    let body: Value = r.json().await.expect("a JSON body");
    // Argo writes the path in Kubernetes' braces: `{$.healthy}`.
    let path = text(&web["jsonPath"], "the jsonPath");
    let path = path.strip_prefix('{').and_then(|p| p.strip_suffix('}')).unwrap_or(path);
    let path = serde_json_path::JsonPath::parse(path).expect("a JSONPath");
    let result = path.query(&body).exactly_one().expect("the path finds one value").clone();
    // The example's condition compares `result` with a literal.
    let condition = text(&metric["successCondition"], "the successCondition");
    let literal = condition.strip_prefix("result == ").expect("a condition `result == <literal>`");
    let expected: Value = serde_json::from_str(literal).expect("a JSON literal");
    result == expected
}

async fn the_argo_example_measures_the_plan(app: TestApp) {
    let template = example("argo-analysis-template.yaml");
    assert_eq!(template["kind"], Yaml::from("AnalysisTemplate"));
    let token = running_plan(&app).await;
    let origin = serve(&app).await;
    let given = [("vexil-url", origin.as_str()), ("flag", "new-checkout"), ("vexil-token", token.as_str())];
    assert!(argo_measure(&template, &given).await, "a running plan passes");
    roll_back(&app).await;
    assert!(!argo_measure(&template, &given).await, "a rolled-back plan fails");
}
