//! Measures the scanner of `vexil refs scan` (`server/src/cli/refs/scan.rs`, compiled in
//! here as is) on a tree:
//!
//! ```text
//! cargo run --release -- generate DIR FILES     # a tree of FILES source files
//! cargo run --release -- scan DIR KEYS RUNS     # RUNS scans with KEYS flag keys
//! ```
//!
//! `generate` writes files of about 2 KiB in directories of 100, one in ten mentioning a
//! flag key, a `.gitignore` that hides a `dist/` copy, and a few binary files. `scan`
//! prints each run's wall time and the median and spread (min–max), after one warm-up run
//! (the page cache warm, as in CI after a checkout).

#[path = "../../../server/src/cli/refs/scan.rs"]
#[expect(dead_code, reason = "the bench uses part of the scanner's API")]
mod scan;

use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate") if args.len() == 4 => {
            let files: usize = args[3].parse().expect("FILES is a number");
            generate(Path::new(&args[2]), files);
        }
        Some("scan") if args.len() == 5 => {
            let keys: usize = args[3].parse().expect("KEYS is a number");
            let runs: usize = args[4].parse().expect("RUNS is a number");
            measure(PathBuf::from(&args[2]), keys, runs);
        }
        _ => {
            eprintln!("usage: refs-scan-bench generate DIR FILES | scan DIR KEYS RUNS");
            std::process::exit(2);
        }
    }
}

fn key(i: usize) -> String {
    format!("flag-{i:05}")
}

fn generate(root: &Path, files: usize) {
    std::fs::create_dir_all(root.join("dist")).expect("mkdir");
    std::fs::write(root.join(".gitignore"), "dist/\n").expect(".gitignore");
    let filler = "    let total = items.iter().map(|item| item.price * item.quantity).sum::<u64>();\n".repeat(24);
    for i in 0..files {
        let dir = root.join(format!("src/m{:04}", i / 100));
        if i % 100 == 0 {
            std::fs::create_dir_all(&dir).expect("mkdir");
        }
        let mention = if i % 10 == 0 {
            format!("    if client.bool_value(\"{}\", &ctx, false) {{ go() }}\n", key(i % 5_000))
        } else {
            String::new()
        };
        let text = format!("// file {i}\nfn f{i}(items: &[Item]) -> u64 {{\n{filler}{mention}    total\n}}\n");
        std::fs::write(dir.join(format!("f{i}.rs")), text).expect("write");
        if i % 1_000 == 0 {
            std::fs::write(dir.join(format!("blob{i}.bin")), [0u8, 1, 2, 3].repeat(512)).expect("write");
            std::fs::write(root.join(format!("dist/bundle{i}.js")), &filler).expect("write");
        }
    }
}

fn measure(root: PathBuf, keys: usize, runs: usize) {
    let known: Vec<scan::KnownKey> = (0..keys).map(|i| scan::KnownKey { key: key(i), archived: false }).collect();
    let options = scan::ScanOptions {
        root,
        keys: known,
        patterns: scan::DEFAULT_PATTERNS.iter().map(|p| (*p).to_owned()).collect(),
        max_file_bytes: scan::DEFAULT_MAX_FILE_BYTES,
        threads: 0,
    };
    let warm = scan::scan(&options).expect("scan");
    println!(
        "{} files scanned, {} skipped as binary, {} keys referenced, {} unreferenced",
        warm.files.scanned,
        warm.files.binary,
        warm.referenced.len(),
        warm.unreferenced.len()
    );
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            scan::scan(&options).expect("scan");
            let ms = started.elapsed().as_secs_f64() * 1_000.0;
            println!("run: {ms:.1} ms");
            ms
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "median {median:.1} ms, min {:.1} ms, max {:.1} ms over {runs} runs",
        times[0],
        times[times.len() - 1]
    );
}
