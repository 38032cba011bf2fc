//! Tells `src/http/ui.rs` where the built dashboard is (`VEXIL_UI_DIST`, the absolute
//! path of `web-ui/dist`), and refuses to build a binary that would embed no dashboard.
//!
//! Builds without debug assertions (release, bench) compile `web-ui/dist` into the
//! binary, so `web-ui/dist/index.html` must exist: a release binary always serves the
//! dashboard. Debug builds read the folder from disk at run time instead, so they build
//! without it (lint, unit and integration tests need no Node.js) and serve a page that
//! says how to build it until it exists.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    // Canonical even while web-ui/dist does not exist (the repository root does): a debug
    // build only serves files whose canonical path starts with this one.
    let root = manifest_dir.parent().unwrap_or(Path::new("/"));
    let root = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    let dist = root.join("web-ui").join("dist");
    let Some(dist_str) = dist.to_str() else {
        println!("cargo::error=the dashboard's path is not UTF-8: {}", dist.display());
        return;
    };
    println!("cargo::rustc-env=VEXIL_UI_DIST={dist_str}");
    // Only builds that embed the dashboard depend on its files. Watching a missing folder
    // would rerun this script, and recompile the crate, on every build.
    let embeds = std::env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_none();
    if !embeds {
        return;
    }
    let index = dist.join("index.html");
    if !index.is_file() {
        println!("cargo::error=the dashboard is not built: {} is missing", index.display());
        println!(
            "cargo::error=a release build embeds the dashboard: build both with `scripts/build` \
             (or run `npm ci && npm run build` in web-ui/ first)"
        );
        return;
    }
    // A new dashboard build recompiles the binary; an unchanged one does not.
    println!("cargo::rerun-if-changed={dist_str}");
}
