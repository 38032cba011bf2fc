//! Evaluates a flag through a handle (`Client::flag`) and prints changes as they arrive.
//!
//! Against a server: `VEXIL_URL=http://localhost:8080 VEXIL_SERVER_KEY=vx_srv_...
//! cargo run -p vexil-sdk --example basic -- new-checkout`. Without `VEXIL_URL` it runs
//! offline from `tests/data/bootstrap.json`.

use std::time::Duration;

use vexil_sdk::{Client, Context};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter("vexil_sdk=info").init();
    let flag = std::env::args().nth(1).unwrap_or_else(|| "new-checkout".to_owned());
    let client = match std::env::var("VEXIL_URL") {
        Ok(url) => Client::builder(url, std::env::var("VEXIL_SERVER_KEY")?)
            .persistence_path(std::env::temp_dir().join("vexil-example.snapshot"))
            .build()?,
        Err(_) => Client::builder("http://localhost:8080", "vx_srv_offline")
            .offline(true)
            .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json"))
            .build()?,
    };
    client.wait_until_ready_blocking(Duration::from_secs(5))?;

    // A handle: evaluations of this one flag skip the look-up by key, across changes.
    let handle = client.flag(flag.as_str());
    let user = Context::new("user-42").with("country", "DE").with("plan", "pro");
    let details = handle.json_details(&user, serde_json::Value::Null);
    println!("{flag} = {} (variant {:?}, reason {:?})", details.value, details.variant, details.reason);
    println!("status: {:?}", client.status());

    // Changes arrive on a channel; the blocking receive needs no runtime.
    let mut changes = client.subscribe_changes();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while client.status() != vexil_sdk::Status::Offline && std::time::Instant::now() < deadline {
        match changes.try_recv() {
            Ok(change) => {
                let value = handle.json_value(&user, serde_json::Value::Null);
                println!("version {}: changed {:?}; {flag} = {value}", change.version, change.flags);
            }
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    // Dropping the client sends the usage counts of the evaluations above.
    Ok(())
}
