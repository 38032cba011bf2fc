//! An example of testing application code that uses flags: a small axum service whose
//! handler reads a flag, driven over real HTTP with flags from [`TestData`], with no
//! Vexil server. Copy the shape into a service's own tests.

use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use serde::Deserialize;
use vexil_sdk::{Client, Context, TestData};

/// The application under test: what a service would have in its own crate.
mod app {
    use super::*;

    #[derive(Deserialize)]
    pub(super) struct User {
        id: String,
        country: Option<String>,
    }

    async fn checkout(State(flags): State<Client>, Query(user): Query<User>) -> &'static str {
        let mut ctx = Context::new(user.id);
        if let Some(country) = user.country {
            ctx.set("country", country);
        }
        if flags.bool_value("new-checkout", &ctx, false) { "new checkout" } else { "classic checkout" }
    }

    /// The service takes its flag client like any other dependency.
    pub(super) fn router(flags: Client) -> Router {
        Router::new().route("/checkout", get(checkout)).with_state(flags)
    }
}

/// Serves the router on a free port of 127.0.0.1 and returns its base URL.
async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    base
}

#[tokio::test]
async fn the_new_checkout_is_served_to_germany_and_follows_a_change_mid_test() {
    let td = TestData::new();
    td.update(td.flag("new-checkout").value_for_all(false).if_match("country", ["DE"]).then_value(true));
    let base = serve(app::router(td.client())).await;
    let get = |query: &'static str| {
        let url = format!("{base}/checkout?{query}");
        async move { reqwest::get(url).await.unwrap().text().await.unwrap() }
    };

    assert_eq!(get("id=user-1&country=DE").await, "new checkout");
    assert_eq!(get("id=user-2&country=FR").await, "classic checkout");
    assert_eq!(get("id=user-3").await, "classic checkout");

    // Roll out to everyone, then pin one user back: the running service sees each
    // change at once.
    td.update(td.flag("new-checkout").value_for_all(true).value_for("user-2", false));
    assert_eq!(get("id=user-3").await, "new checkout");
    assert_eq!(get("id=user-2&country=FR").await, "classic checkout");
}
