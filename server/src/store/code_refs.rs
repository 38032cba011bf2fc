//! Code references: where a project's flag keys appear in source code, as uploaded by
//! `vexil refs scan --upload`. One scan per repository of a project; an upload replaces
//! the repository's previous scan in one audited transaction. Keys are stored as given,
//! not as flag ids: a scan may mention keys that are no flag (yet, or any more).
//!
//! What this module must not do: scan anything or decide what is stale. It stores and
//! sums what it is given.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use vexil_core::{Problem, ValidationErrors};

use super::audit::Record;
use super::{Actor, Error, Missing, Result, Store, Timestamp, get};

/// Most locations kept per key and repository (the first ones the scan reports).
pub const MAX_CODE_REF_LOCATIONS: usize = 20;
/// Most keys in one upload.
pub const MAX_CODE_REF_KEYS: usize = 10_000;
/// Longest repository name, branch or commit, in characters.
pub const MAX_CODE_REF_NAME_CHARS: usize = 200;
/// Longest location path, in bytes.
pub const MAX_CODE_REF_PATH_BYTES: usize = 1_000;

/// One place a key appears.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeLocation {
    /// Path relative to the repository root, `/`-separated (1 to 1 000 bytes).
    #[schema(min_length = 1)]
    pub path: String,
    /// Line number, from 1.
    #[schema(minimum = 1)]
    pub line: u32,
}

/// One key's references in an uploaded scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadedKey {
    /// The flag key as found in the code.
    #[schema(pattern = r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
    pub key: String,
    /// How many places mention it (at least 1 and at least the number of `locations`).
    #[schema(minimum = 1)]
    pub count: u64,
    /// Up to 20 of those places.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub locations: Vec<CodeLocation>,
}

/// A scan of one repository, as `vexil refs scan --upload` sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRefsUpload {
    /// The repository's name (1 to 200 characters), e.g. `github.com/acme/shop`; a new
    /// upload for the same name replaces the previous one.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub repository: String,
    /// The commit scanned (1 to 200 characters).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub commit: Option<String>,
    /// The branch scanned (1 to 200 characters).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub branch: Option<String>,
    /// When the tree was scanned (RFC 3339); the upload's time when absent.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub scanned_at: Option<String>,
    /// Every key the scan found, each once (at most 10 000).
    #[schema(max_items = 10000)]
    pub keys: Vec<UploadedKey>,
}

/// A stored scan of one repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CodeRefsScan {
    /// The repository's name.
    pub repository: String,
    /// The commit scanned, if given.
    pub commit: Option<String>,
    /// The branch scanned, if given.
    pub branch: Option<String>,
    /// When the tree was scanned.
    pub scanned_at: Timestamp,
    /// Who uploaded it (`token:<name>` or `user:<email>`).
    pub uploaded_by: String,
    /// How many distinct keys it found.
    pub key_count: u64,
}

/// One repository's references to a flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RepositoryReferences {
    /// The repository's name.
    pub repository: String,
    /// The commit scanned, if given.
    pub commit: Option<String>,
    /// The branch scanned, if given.
    pub branch: Option<String>,
    /// When the tree was scanned.
    pub scanned_at: Timestamp,
    /// How many places mention the key.
    pub count: u64,
    /// Up to 20 of them.
    pub locations: Vec<CodeLocation>,
}

/// A flag's code references over every scanned repository of its project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FlagCodeReferences {
    /// The flag key.
    pub key: String,
    /// Places in all repositories; 0 when scanned and not found.
    pub count: u64,
    /// The latest scan of the project's repositories; absent when none was uploaded, so
    /// that "not in code" is only said after a scan.
    pub last_scanned: Option<Timestamp>,
    /// The repositories that mention the key.
    pub repositories: Vec<RepositoryReferences>,
}

/// A key's totals in a project's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct KeyTotal {
    /// The key as found in code.
    pub key: String,
    /// Places in all repositories.
    pub count: u64,
    /// The names of the repositories that mention it.
    pub repositories: Vec<String>,
}

/// A project's code references: its scans and the totals per key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProjectCodeReferences {
    /// The latest scan of any repository; absent when none was uploaded.
    pub last_scanned: Option<Timestamp>,
    /// The latest scan of each repository, by name.
    pub scans: Vec<CodeRefsScan>,
    /// Every key some repository mentions, by key (keys of no flag included).
    pub keys: Vec<KeyTotal>,
}

impl CodeRefsUpload {
    /// Checks the bounds (names of 1 to 200 characters, at most 10 000 keys each of a
    /// flag key's shape and given once, `count` at least the number of locations, at most
    /// 20 locations with paths of 1 to 1000 bytes and lines from 1, an RFC 3339
    /// `scanned_at`), reporting every problem with a JSON pointer; returns the scan time.
    pub fn validate(&self) -> Result<Timestamp> {
        let mut problems = Vec::new();
        let mut problem = |pointer: String, message: String| problems.push(Problem { pointer, message });
        let name = |s: &str| !s.trim().is_empty() && s.chars().count() <= MAX_CODE_REF_NAME_CHARS;
        if !name(&self.repository) {
            problem(
                "/repository".to_owned(),
                format!("a repository name has 1 to {MAX_CODE_REF_NAME_CHARS} characters"),
            );
        }
        for (field, value) in [("commit", &self.commit), ("branch", &self.branch)] {
            if value.as_deref().is_some_and(|v| !name(v)) {
                problem(
                    format!("/{field}"),
                    format!("a {field} has 1 to {MAX_CODE_REF_NAME_CHARS} characters"),
                );
            }
        }
        let scanned_at = match &self.scanned_at {
            None => Some(Timestamp::now()),
            Some(s) => Timestamp::parse_rfc3339(s),
        };
        if scanned_at.is_none() {
            problem("/scanned_at".to_owned(), "an RFC 3339 date-time, e.g. 2026-11-30T12:00:00Z".to_owned());
        }
        if self.keys.len() > MAX_CODE_REF_KEYS {
            problem("/keys".to_owned(), format!("an upload has at most {MAX_CODE_REF_KEYS} keys"));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, k) in self.keys.iter().enumerate() {
            if !vexil_core::validate::is_valid_key(&k.key) {
                problem(
                    format!("/keys/{i}/key"),
                    "a flag key: lower-case letters, digits, '_', '.', '-'".to_owned(),
                );
            } else if !seen.insert(k.key.as_str()) {
                problem(format!("/keys/{i}/key"), "each key is given once".to_owned());
            }
            if k.locations.len() > MAX_CODE_REF_LOCATIONS {
                problem(
                    format!("/keys/{i}/locations"),
                    format!("at most {MAX_CODE_REF_LOCATIONS} locations per key"),
                );
            }
            if (k.count as usize) < k.locations.len() || k.count == 0 {
                problem(
                    format!("/keys/{i}/count"),
                    "at least 1 and at least the number of locations".to_owned(),
                );
            }
            for (j, l) in k.locations.iter().enumerate() {
                if l.path.is_empty() || l.path.len() > MAX_CODE_REF_PATH_BYTES {
                    problem(
                        format!("/keys/{i}/locations/{j}/path"),
                        format!("1 to {MAX_CODE_REF_PATH_BYTES} bytes"),
                    );
                }
                if l.line == 0 {
                    problem(format!("/keys/{i}/locations/{j}/line"), "lines count from 1".to_owned());
                }
            }
        }
        match scanned_at {
            Some(at) if problems.is_empty() => Ok(at),
            _ => Err(Error::Invalid(ValidationErrors { problems })),
        }
    }
}

fn non_empty(s: String) -> Option<String> {
    if s.is_empty() { None } else { Some(s) }
}

impl Store {
    async fn code_refs_project_id(&self, project: &str) -> Result<i64> {
        let row = sqlx::query("select id from project where key = $1")
            .bind(project)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::NotFound(Missing::Project(project.to_owned())))?;
        get(&row, "id")
    }

    /// Replaces the repository's scan in the project with `upload`, audited as
    /// `code_references.upload` (the audit entry holds the scan without locations).
    pub async fn upload_code_references(
        &self,
        actor: &Actor,
        project: &str,
        upload: &CodeRefsUpload,
    ) -> Result<CodeRefsScan> {
        let scanned_at = upload.validate()?;
        let mut w = self.begin().await?;
        let project_id = w.lock_project(project).await?;
        let before = sqlx::query(
            "select id, commit_sha, branch, scanned_at from code_ref_scan where project_id = $1 and repository = $2",
        )
        .bind(project_id)
        .bind(&upload.repository)
        .fetch_optional(&mut **w)
        .await?;
        let mut before_json = None;
        if let Some(row) = before {
            let id: i64 = get(&row, "id")?;
            let commit: String = get(&row, "commit_sha")?;
            let at: i64 = get(&row, "scanned_at")?;
            before_json = Some(
                serde_json::json!({ "repository": upload.repository, "commit": non_empty(commit), "scanned_at": Timestamp(at).to_rfc3339() })
                    .to_string(),
            );
            sqlx::query("delete from code_ref where scan_id = $1").bind(id).execute(&mut **w).await?;
            sqlx::query("delete from code_ref_scan where id = $1").bind(id).execute(&mut **w).await?;
        }
        let row = sqlx::query(
            "insert into code_ref_scan (project_id, repository, commit_sha, branch, scanned_at, uploaded_at, uploaded_by)
             values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(project_id)
        .bind(&upload.repository)
        .bind(upload.commit.as_deref().unwrap_or(""))
        .bind(upload.branch.as_deref().unwrap_or(""))
        .bind(scanned_at.0)
        .bind(Timestamp::now().0)
        .bind(&actor.0)
        .fetch_one(&mut **w)
        .await?;
        let scan_id: i64 = get(&row, "id")?;
        for k in &upload.keys {
            let locations =
                serde_json::to_string(&k.locations).map_err(|e| Error::Internal(e.to_string()))?;
            sqlx::query(
                "insert into code_ref (scan_id, flag_key, ref_count, locations) values ($1, $2, $3, $4)",
            )
            .bind(scan_id)
            .bind(&k.key)
            .bind(i64::try_from(k.count).unwrap_or(i64::MAX))
            .bind(locations)
            .execute(&mut **w)
            .await?;
        }
        let scan = CodeRefsScan {
            repository: upload.repository.clone(),
            commit: upload.commit.clone(),
            branch: upload.branch.clone(),
            scanned_at,
            uploaded_by: actor.0.clone(),
            key_count: upload.keys.len() as u64,
        };
        let counts: BTreeMap<&str, u64> = upload.keys.iter().map(|k| (k.key.as_str(), k.count)).collect();
        let after = serde_json::json!({
            "repository": scan.repository,
            "commit": scan.commit,
            "branch": scan.branch,
            "scanned_at": scanned_at.to_rfc3339(),
            "counts": counts,
        })
        .to_string();
        w.audit(Record {
            actor,
            action: "code_references.upload",
            resource_type: "code_references",
            resource_key: upload.repository.clone(),
            project: Some(project),
            environment: None,
            before: before_json,
            after: Some(after),
        })
        .await?;
        w.commit().await?;
        Ok(scan)
    }

    /// A project's scans and the totals per key.
    pub async fn project_code_references(&self, project: &str) -> Result<ProjectCodeReferences> {
        let project_id = self.code_refs_project_id(project).await?;
        let rows = sqlx::query(
            "select s.repository, s.commit_sha, s.branch, s.scanned_at, s.uploaded_by,
                    (select count(*) from code_ref r where r.scan_id = s.id) as key_count
             from code_ref_scan s where s.project_id = $1 order by s.repository",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        let mut scans = Vec::with_capacity(rows.len());
        for row in &rows {
            let key_count: i64 = get(row, "key_count")?;
            scans.push(CodeRefsScan {
                repository: get(row, "repository")?,
                commit: non_empty(get(row, "commit_sha")?),
                branch: non_empty(get(row, "branch")?),
                scanned_at: Timestamp(get(row, "scanned_at")?),
                uploaded_by: get(row, "uploaded_by")?,
                key_count: u64::try_from(key_count).unwrap_or(0),
            });
        }
        let rows = sqlx::query(
            "select r.flag_key, r.ref_count, s.repository from code_ref r join code_ref_scan s on s.id = r.scan_id
             where s.project_id = $1 order by r.flag_key, s.repository",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        let mut keys: Vec<KeyTotal> = Vec::new();
        for row in &rows {
            let key: String = get(row, "flag_key")?;
            let count: i64 = get(row, "ref_count")?;
            let repository: String = get(row, "repository")?;
            match keys.last_mut() {
                Some(t) if t.key == key => {
                    t.count += u64::try_from(count).unwrap_or(0);
                    t.repositories.push(repository);
                }
                _ => keys.push(KeyTotal {
                    key,
                    count: u64::try_from(count).unwrap_or(0),
                    repositories: vec![repository],
                }),
            }
        }
        let last_scanned = scans.iter().map(|s| s.scanned_at).max();
        Ok(ProjectCodeReferences { last_scanned, scans, keys })
    }

    /// One flag's references over the project's repositories (404 when the flag does not
    /// exist, archived flags included).
    pub async fn flag_code_references(&self, project: &str, flag: &str) -> Result<FlagCodeReferences> {
        let project_id = self.code_refs_project_id(project).await?;
        self.get_flag(project, flag).await?;
        let last = sqlx::query("select max(scanned_at) as last from code_ref_scan where project_id = $1")
            .bind(project_id)
            .fetch_one(&self.pool)
            .await?;
        let last_scanned: Option<i64> = get(&last, "last")?;
        let rows = sqlx::query(
            "select s.repository, s.commit_sha, s.branch, s.scanned_at, r.ref_count, r.locations
             from code_ref r join code_ref_scan s on s.id = r.scan_id
             where s.project_id = $1 and r.flag_key = $2 order by s.repository",
        )
        .bind(project_id)
        .bind(flag)
        .fetch_all(&self.pool)
        .await?;
        let mut repositories = Vec::with_capacity(rows.len());
        for row in &rows {
            let count: i64 = get(row, "ref_count")?;
            let locations: String = get(row, "locations")?;
            repositories.push(RepositoryReferences {
                repository: get(row, "repository")?,
                commit: non_empty(get(row, "commit_sha")?),
                branch: non_empty(get(row, "branch")?),
                scanned_at: Timestamp(get(row, "scanned_at")?),
                count: u64::try_from(count).unwrap_or(0),
                // Written by this module from validated input; unreadable means a
                // hand-edited row, shown as no locations rather than failing the read.
                locations: serde_json::from_str(&locations).unwrap_or_default(),
            });
        }
        Ok(FlagCodeReferences {
            key: flag.to_owned(),
            count: repositories.iter().map(|r| r.count).sum(),
            last_scanned: last_scanned.map(Timestamp),
            repositories,
        })
    }
}
