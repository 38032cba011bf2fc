//! The modules' dependency graph has no cycle: `app` builds the router and depends on
//! `http`, `http` on `state`, `auth` and `store`, `auth` on `store`, and none of them
//! back. A test reads the sources and fails when a `crate::` path closes a cycle.
//!
//! Each top-level module is one node, except `release`, whose submodules are nodes: its
//! pure parts (`plan`, `sketch`, `stats`) are types the store reads and writes, and its
//! runner drives plans through the store.
//!
//! Inside `http`, a second test holds the routers to the parts of the state they use:
//! only `http/mod.rs`, which assembles the application router, names `AppState`, and a
//! resource module (one with a `router`) imports nothing from another one; what several
//! share lives in a shared module (`shared`, `extract`, `pages`, ...).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level modules whose submodules are separate nodes.
const SPLIT: [&str; 1] = ["release"];

/// The node a source file belongs to, from its path under `src/`; `None` for the crate
/// root and the binary, which may use everything.
fn node_of_file(relative: &str) -> Option<String> {
    let mut parts = relative.trim_end_matches(".rs").split('/');
    let top = parts.next()?;
    if matches!(top, "lib" | "main") {
        return None;
    }
    match parts.next() {
        Some(sub) if SPLIT.contains(&top) && sub != "mod" => Some(format!("{top}::{sub}")),
        _ => Some(top.to_owned()),
    }
}

/// The nodes the `crate::` paths of a source name (comments left out).
fn referenced(source: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let mut segments = rest
                .split("::")
                .map(|s| s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap_or(""));
            let top = segments.next().unwrap_or("");
            if top.is_empty() || !top.starts_with(|c: char| c.is_ascii_lowercase()) {
                continue;
            }
            match segments.next() {
                Some(sub) if SPLIT.contains(&top) && !sub.is_empty() => out.insert(format!("{top}::{sub}")),
                _ => out.insert(top.to_owned()),
            };
        }
    }
    out
}

/// The dependency graph of the sources under `dir`.
fn graph(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    fn walk(dir: &Path, root: &Path, g: &mut BTreeMap<String, BTreeSet<String>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).expect("reading src").flatten().collect();
        entries.sort_by_key(|e| e.path());
        for entry in entries {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, root, g);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative =
                    path.strip_prefix(root).expect("under src").to_string_lossy().replace('\\', "/");
                let Some(node) = node_of_file(&relative) else { continue };
                let source = std::fs::read_to_string(&path).expect("reading a source");
                let edges = g.entry(node.clone()).or_default();
                edges.extend(referenced(&source).into_iter().filter(|n| *n != node));
            }
        }
    }
    let mut g = BTreeMap::new();
    walk(dir, dir, &mut g);
    g
}

/// A cycle of the graph, if it has one, as the path that closes it.
fn cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in g.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, g, done, path) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    g.keys().find_map(|n| visit(n, g, &mut done, &mut Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source without its comments (as [`referenced`] reads it).
    fn code_of(source: &str) -> String {
        source.lines().map(|line| line.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn http_routers_take_parts_of_the_state_and_share_helpers_through_shared_modules() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
        let mut modules = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).expect("reading src/http").flatten() {
            let path = entry.path();
            if let (Some(name), true) = (path.file_stem(), path.extension().is_some_and(|e| e == "rs")) {
                let source = std::fs::read_to_string(&path).expect("reading a source");
                modules.insert(name.to_string_lossy().into_owned(), code_of(&source));
            }
        }
        assert!(
            modules.contains_key("flags") && modules.contains_key("shared"),
            "read: {:?}",
            modules.keys()
        );
        for (name, code) in &modules {
            assert!(
                name == "mod" || !code.contains("AppState"),
                "http/{name}.rs names AppState: its router and handlers take only the parts they use (FromRef)"
            );
        }
        let resources: Vec<&String> =
            modules.iter().filter(|(n, c)| *n != "mod" && c.contains("fn router")).map(|(n, _)| n).collect();
        for &name in &resources {
            for &other in &resources {
                assert!(
                    name == other || !modules[name].contains(&format!("super::{other}::")),
                    "http/{name}.rs uses http/{other}.rs: helpers that resources share belong in http/shared.rs"
                );
            }
        }
    }

    #[test]
    fn the_modules_depend_on_each_other_without_a_cycle() {
        let g = graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
        assert!(g.contains_key("http") && g.contains_key("store"), "the sources were read: {g:?}");
        if let Some(found) = cycle(&g) {
            panic!("module cycle: {}", found.join(" -> "));
        }
        // The layering the router's state relies on, said outright.
        for (from, to) in
            [("http", "app"), ("auth", "http"), ("store", "http"), ("state", "app"), ("store", "auth")]
        {
            assert!(!g[from].contains(to), "{from} depends on {to}");
        }
    }

    #[test]
    fn the_check_finds_a_cycle_and_reads_paths_as_nodes() {
        let source =
            "use crate::http::error::ApiError; // crate::app in a comment\nlet x = crate::release::plan::X;";
        assert_eq!(referenced(source), BTreeSet::from(["http".to_owned(), "release::plan".to_owned()]));
        assert_eq!(node_of_file("release/runner.rs").as_deref(), Some("release::runner"));
        assert_eq!(node_of_file("http/shared.rs").as_deref(), Some("http"));
        let mut g = BTreeMap::new();
        g.insert("auth".to_owned(), BTreeSet::from(["http".to_owned()]));
        g.insert("http".to_owned(), BTreeSet::from(["auth".to_owned()]));
        assert_eq!(cycle(&g), Some(vec!["auth".to_owned(), "http".to_owned(), "auth".to_owned()]));
    }
}
