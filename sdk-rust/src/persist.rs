//! The persistence file: the last good snapshot from the server, used at the next
//! start when the server cannot be reached.
//!
//! Format (version 1): one line of JSON header, then the snapshot JSON.
//!
//! ```text
//! {"format":"vexil-sdk-snapshot","format_version":1,"environment":"production","version":42,
//!  "saved_at":"2025-01-01T00:00:00Z","key":"1a2b3c4d","body_bytes":1234,"body_murmur3":"9f8e7d6c"}
//! {"environment":"production","version":42,"flags":[...],"segments":[...]}
//! ```
//!
//! `key` is a fingerprint of the SDK key (never the key), so a file written for another
//! key is recognised as foreign. A file is written to a temporary name and renamed, so
//! readers see either the old file or the new one. A file that fails any check is
//! ignored whole.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use vexil_core::Snapshot;

use crate::apply::Source;
use crate::error::{Corruption, Foreign, PersistError};

const FORMAT: &str = "vexil-sdk-snapshot";
const FORMAT_VERSION: u32 = 1;
/// Longest header line read before deciding the file is something else.
const MAX_HEADER_BYTES: usize = 4096;

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    format_version: u32,
    environment: String,
    version: u64,
    saved_at: String,
    key: String,
    body_bytes: usize,
    body_murmur3: String,
}

/// A non-reversible tag of the SDK key, to recognise files of another key.
pub(crate) fn key_fingerprint(key: &str) -> String {
    let mut h = vexil_core::hash::Murmur3::new();
    h.write(b"vexil-sdk-key:");
    h.write(key.as_bytes());
    format!("{:08x}", h.finish())
}

fn checksum(body: &[u8]) -> String {
    format!("{:08x}", vexil_core::hash::murmur3_32(body))
}

/// Writes `snapshot` to `path` atomically (temporary file, then rename).
pub(crate) fn write(path: &Path, snapshot: &Snapshot, key: &str) -> Result<(), PersistError> {
    let body = serde_json::to_vec(snapshot).map_err(PersistError::Serialize)?;
    let header = Header {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        environment: snapshot.environment.clone(),
        version: snapshot.version,
        saved_at: time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        key: key.to_owned(),
        body_bytes: body.len(),
        body_murmur3: checksum(&body),
    };
    let mut bytes = serde_json::to_vec(&header).map_err(PersistError::Serialize)?;
    bytes.push(b'\n');
    bytes.extend_from_slice(&body);
    let io = |source| PersistError::Io { path: path.to_owned(), source };
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Reads and checks a persistence file. `environment`, when known, is the one the file
/// must hold.
pub(crate) fn read(path: &Path, key: &str, environment: Option<&str>) -> Result<Source, PersistError> {
    let bytes = std::fs::read(path).map_err(|source| PersistError::Io { path: path.to_owned(), source })?;
    parse(path, &bytes, key, environment)
}

fn parse(path: &Path, bytes: &[u8], key: &str, environment: Option<&str>) -> Result<Source, PersistError> {
    let p = || path.to_owned();
    let not_ours = || PersistError::NotASnapshotFile { path: path.to_owned() };
    let newline = bytes.iter().take(MAX_HEADER_BYTES).position(|&b| b == b'\n').ok_or_else(not_ours)?;
    let header: Header = serde_json::from_slice(&bytes[..newline]).map_err(|_| not_ours())?;
    if header.format != FORMAT {
        return Err(not_ours());
    }
    if header.format_version != FORMAT_VERSION {
        return Err(PersistError::UnsupportedFormat {
            path: p(),
            found: header.format_version,
            supported: FORMAT_VERSION,
        });
    }
    if header.key != key {
        return Err(PersistError::Foreign { path: p(), what: Foreign::Key });
    }
    if let Some(expected) = environment.filter(|e| *e != header.environment) {
        return Err(PersistError::Foreign {
            path: p(),
            what: Foreign::Environment { expected: expected.to_owned(), found: header.environment },
        });
    }
    let body = &bytes[newline + 1..];
    if body.len() != header.body_bytes {
        return Err(PersistError::Corrupt {
            path: p(),
            what: Corruption::Length { expected: header.body_bytes, found: body.len() },
        });
    }
    if checksum(body) != header.body_murmur3 {
        return Err(PersistError::Corrupt { path: p(), what: Corruption::Checksum });
    }
    // Lenient like data from the server: the file holds what the server sent.
    let source = Source::from_json(body).map_err(|source| PersistError::Invalid { path: p(), source })?;
    let snapshot = &source.snapshot;
    if snapshot.environment != header.environment || snapshot.version != header.version {
        return Err(PersistError::Corrupt { path: p(), what: Corruption::HeaderMismatch });
    }
    Ok(source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        serde_json::from_value(serde_json::json!({"environment": "production", "version": 9, "flags": [
            {"key": "a", "kind": "boolean", "salt": "s",
             "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
             "config": {"enabled": true, "off_variant": "off", "default": {"variant": "on"}}}]}))
        .unwrap()
    }

    fn written() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flags.snapshot");
        write(&path, &snapshot(), "k1").unwrap();
        (dir, path)
    }

    #[test]
    fn a_written_file_reads_back_and_leaves_no_temporary_file() {
        let (dir, path) = written();
        let s = read(&path, "k1", Some("production")).unwrap();
        assert_eq!(s.snapshot, snapshot());
        assert_eq!(s.compile().compiled.version(), 9);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("{\"format\":\"vexil-sdk-snapshot\",\"format_version\":1,"));
    }

    #[test]
    fn files_of_another_key_or_environment_are_foreign() {
        let (_dir, path) = written();
        assert!(matches!(read(&path, "k2", None), Err(PersistError::Foreign { what: Foreign::Key, .. })));
        assert!(matches!(
            read(&path, "k1", Some("staging")),
            Err(PersistError::Foreign { what: Foreign::Environment { .. }, .. })
        ));
    }

    #[test]
    fn truncated_or_altered_files_are_corrupt() {
        let (_dir, path) = written();
        let bytes = std::fs::read(&path).unwrap();
        let cut = &bytes[..bytes.len() - 3];
        assert!(matches!(
            parse(&path, cut, "k1", None),
            Err(PersistError::Corrupt { what: Corruption::Length { .. }, .. })
        ));
        // Same length, one value changed: only the checksum tells.
        let text = String::from_utf8(bytes.clone()).unwrap();
        let body_start = text.find('\n').unwrap();
        let altered = format!(
            "{}{}",
            &text[..body_start],
            text[body_start..].replacen("\"salt\":\"s\"", "\"salt\":\"t\"", 1)
        );
        assert_eq!(altered.len(), text.len());
        assert!(matches!(
            parse(&path, altered.as_bytes(), "k1", None),
            Err(PersistError::Corrupt { what: Corruption::Checksum, .. })
        ));
    }

    #[test]
    fn other_files_and_other_format_versions_are_recognised() {
        let path = Path::new("x");
        for junk in [&b""[..], b"hello\nworld", b"{\"format\":\"other\"}\n{}", &[b'x'; 5000]] {
            assert!(matches!(parse(path, junk, "k1", None), Err(PersistError::NotASnapshotFile { .. })));
        }
        let (_dir, real) = written();
        let text = std::fs::read_to_string(&real).unwrap().replacen(
            "\"format_version\":1",
            "\"format_version\":2",
            1,
        );
        assert!(matches!(
            parse(path, text.as_bytes(), "k1", None),
            Err(PersistError::UnsupportedFormat { found: 2, supported: 1, .. })
        ));
    }

    fn file(body: &[u8]) -> Vec<u8> {
        let header = Header {
            format: FORMAT.into(),
            format_version: 1,
            environment: "production".into(),
            version: 9,
            saved_at: String::new(),
            key: "k1".into(),
            body_bytes: body.len(),
            body_murmur3: checksum(body),
        };
        let mut bytes = serde_json::to_vec(&header).unwrap();
        bytes.push(b'\n');
        bytes.extend_from_slice(body);
        bytes
    }

    #[test]
    fn a_flag_that_does_not_parse_fails_alone() {
        let bytes = file(br#"{"environment":"production","version":9,"flags":[{"key":"a"}]}"#);
        let source = parse(Path::new("x"), &bytes, "k1", None).unwrap();
        assert_eq!(source.unparsed.len(), 1);
        assert_eq!(source.compile().failures.len(), 1);
    }

    #[test]
    fn a_body_that_is_not_a_valid_snapshot_is_refused() {
        let bytes = file(br#"{"environment":"production","version":9,"flags":{"key":"a"}}"#);
        assert!(matches!(parse(Path::new("x"), &bytes, "k1", None), Err(PersistError::Invalid { .. })));
    }

    #[test]
    fn key_fingerprints_differ_per_key_and_hide_it() {
        assert_ne!(key_fingerprint("vx_srv_a"), key_fingerprint("vx_srv_b"));
        assert_eq!(key_fingerprint("vx_srv_a").len(), 8);
    }
}
