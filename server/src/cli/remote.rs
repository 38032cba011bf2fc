//! Reads a project into a [`Document`] and runs a plan's actions, through the public
//! REST API (`/api/v1`) with an API token. It never reaches the database: what the
//! file can do is exactly what the token may do, and every write goes through the
//! server's own checks, audit and change feed. Requests go through the client
//! commands' [`Client`], so connection options, token handling and errors (with their
//! exit statuses) are the same as for every other client command.

use std::collections::BTreeMap;

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};
use vexil_core::FlagConfig;

use crate::ascode::document::{
    ConfigDoc, Document, EnvironmentDoc, FlagDoc, KindDoc, LifecycleDoc, LinkDoc, ProjectDoc, SegmentDoc,
    SegmentRuleDoc, VariantDoc,
};
use crate::ascode::plan::Action;
use crate::cli::{CliError, Client, Write};

/// The REST API of one server, with one token.
#[derive(Debug, Clone)]
pub struct Remote {
    client: Client,
}

/// What running a plan did, action by action.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Outcome {
    /// The action, as planned.
    #[serde(flatten)]
    pub action: Action,
    /// `done`, `change_request` (filed, waiting for approval), `already_requested`
    /// (an open request already asks for exactly this) or `unchanged`.
    pub result: String,
    /// The change request's id, when one was filed or found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_request: Option<i64>,
}

impl Remote {
    /// Reads and writes through `client` (its server, token and timeout; its project is
    /// not used: every call names the project).
    pub fn new(client: Client) -> Remote {
        Remote { client }
    }

    /// `method /api/v1{path}`; writes replace whatever is current (`If-Match: *`). A
    /// non-2xx answer is the [`CliError`] the client commands give for it.
    async fn ok(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value, CliError> {
        let write = if matches!(method, Method::PUT | Method::PATCH | Method::DELETE) {
            Write::unconditional()
        } else {
            Write::default()
        };
        let reply = self.client.send(method, &format!("/api/v1{path}"), &[], body, &write).await?;
        Ok(reply.body)
    }

    async fn get<T: for<'de> Deserialize<'de>>(&self, path: &str) -> Result<T, CliError> {
        let v = self.ok(Method::GET, path, None).await?;
        decode(path, v)
    }

    /// Every item of a paged list.
    async fn list(&self, path: &str) -> Result<Vec<Value>, CliError> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let sep = if path.contains('?') { '&' } else { '?' };
            let p = match &cursor {
                None => path.to_owned(),
                Some(c) => format!(
                    "{path}{sep}cursor={}",
                    form_urlencoded::byte_serialize(c.as_bytes()).collect::<String>()
                ),
            };
            let page: Page = self.get(&p).await?;
            out.extend(page.items);
            match page.next_cursor {
                Some(c) if !c.is_empty() => cursor = Some(c),
                _ => return Ok(out),
            }
        }
    }

    /// Reads project `project` as a document (flags and segments sorted by key,
    /// archived flags marked); `None` when the project does not exist.
    ///
    /// Errors: the [`CliError`] of any refused or unreadable call.
    pub async fn export(&self, project: &str) -> Result<Option<Document>, CliError> {
        let p = enc(project);
        let proj = match self.ok(Method::GET, &format!("/projects/{p}"), None).await {
            Err(CliError::NotFound { .. }) => return Ok(None),
            other => other?,
        };
        let proj: ProjectWire = decode("/projects", proj)?;
        let mut doc = Document::new(&proj.key);
        doc.project = ProjectDoc {
            key: proj.key.clone(),
            name: if proj.name == proj.key { String::new() } else { proj.name },
            description: proj.description,
        };
        let envs: Vec<EnvWire> = self
            .list(&format!("/projects/{p}/environments"))
            .await?
            .into_iter()
            .map(|v| decode("/environments", v))
            .collect::<Result<_, _>>()?;
        doc.environments = envs
            .iter()
            .map(|e| EnvironmentDoc {
                key: e.key.clone(),
                name: if e.name == e.key { String::new() } else { e.name.clone() },
                requires_approval: e.requires_approval,
                required_approvals: u32::try_from(e.required_approvals).unwrap_or(1),
            })
            .collect();
        for s in self.list(&format!("/projects/{p}/segments")).await? {
            let key = s.get("key").and_then(Value::as_str).unwrap_or_default().to_owned();
            let full: SegmentWire = self.get(&format!("/projects/{p}/segments/{}", enc(&key))).await?;
            doc.segments.push(SegmentDoc {
                key: full.key,
                name: full.name,
                description: full.description,
                included: full.included,
                excluded: full.excluded,
                rules: full.rules,
            });
        }
        for archived in [false, true] {
            let flags = self.list(&format!("/projects/{p}/flags?limit=1000&archived={archived}")).await?;
            for f in flags {
                let f: FlagWire = decode("/flags", f)?;
                let mut environments = BTreeMap::new();
                for e in &envs {
                    let c: FlagConfig = self
                        .get(&format!("/projects/{p}/flags/{}/environments/{}", enc(&f.key), enc(&e.key)))
                        .await?;
                    let c = ConfigDoc::from_core(&c).map_err(|e| shape("/environments", e))?;
                    environments.insert(e.key.clone(), c);
                }
                doc.flags.push(FlagDoc {
                    name: if f.name == f.key { String::new() } else { f.name },
                    key: f.key,
                    description: f.description,
                    kind: f.kind,
                    variants: f.variants,
                    tags: f.tags,
                    lifecycle: f.lifecycle,
                    client_visible: f.client_visible,
                    owner: f.owner,
                    links: crate::ascode::document::norm_links(&f.links),
                    properties: f.properties,
                    archived,
                    environments,
                });
            }
        }
        doc.sort();
        Ok(Some(doc))
    }

    /// Runs `actions` on project `project` in order, stopping at the first refusal.
    /// Configuration writes in environments that require approval become change
    /// requests (one per flag and environment; an open request that already asks for
    /// exactly the same instructions is not filed twice).
    ///
    /// Errors: the first refused call, saying which action it was, with what was done
    /// before it in `done`.
    pub async fn run(
        &self,
        project: &str,
        actions: &[Action],
    ) -> Result<Vec<Outcome>, (Vec<Outcome>, CliError)> {
        let mut done = Vec::new();
        for a in actions {
            match self.run_one(project, a).await {
                Ok((result, change_request)) => {
                    done.push(Outcome { action: a.clone(), result: result.to_owned(), change_request });
                }
                Err(e) => {
                    let what = crate::ascode::plan::human(std::slice::from_ref(a));
                    return Err((done, e.context(what.trim_end())));
                }
            }
        }
        Ok(done)
    }

    async fn run_one(&self, project: &str, a: &Action) -> Result<(&'static str, Option<i64>), CliError> {
        let p = enc(project);
        match a {
            Action::CreateProject { key, name, description } => {
                let mut body = json!({"key": key, "description": description});
                if !name.is_empty() {
                    body["name"] = json!(name);
                }
                self.ok(Method::POST, "/projects", Some(&body)).await?;
            }
            Action::CreateEnvironment { environment: e } => {
                let mut body = json!({"key": e.key, "requires_approval": e.requires_approval, "required_approvals": e.required_approvals});
                if !e.name.is_empty() {
                    body["name"] = json!(e.name);
                }
                self.ok(Method::POST, &format!("/projects/{p}/environments"), Some(&body)).await?;
            }
            Action::UpdateEnvironment { environment: e, .. } => {
                let mut body = json!({"requires_approval": e.requires_approval, "required_approvals": e.required_approvals});
                if !e.name.is_empty() {
                    body["name"] = json!(e.name);
                }
                self.ok(Method::PATCH, &format!("/projects/{p}/environments/{}", enc(&e.key)), Some(&body))
                    .await?;
            }
            Action::CreateSegment { segment } => {
                let body = to_value(segment)?;
                self.ok(Method::POST, &format!("/projects/{p}/segments"), Some(&body)).await?;
            }
            Action::ReplaceSegment { segment, .. } => {
                let body = to_value(segment)?;
                self.ok(Method::PUT, &format!("/projects/{p}/segments/{}", enc(&segment.key)), Some(&body))
                    .await?;
            }
            Action::DeleteSegment { key } => {
                self.ok(Method::DELETE, &format!("/projects/{p}/segments/{}", enc(key)), None).await?;
            }
            Action::CreateFlag { flag } => {
                let body = flag_body(flag, true)?;
                self.ok(Method::POST, &format!("/projects/{p}/flags"), Some(&body)).await?;
            }
            Action::UpdateFlag { flag, .. } => {
                let body = flag_body(flag, false)?;
                self.ok(Method::PATCH, &format!("/projects/{p}/flags/{}", enc(&flag.key)), Some(&body))
                    .await?;
            }
            Action::RestoreFlag { key } => {
                self.ok(Method::POST, &format!("/projects/{p}/flags/{}/restore", enc(key)), None).await?;
            }
            Action::ArchiveFlag { key, .. } => {
                self.ok(Method::POST, &format!("/projects/{p}/flags/{}/archive", enc(key)), None).await?;
            }
            Action::SetConfig { flag, environment, config, change_request, .. } => {
                let path = format!("/projects/{p}/flags/{}/environments/{}", enc(flag), enc(environment));
                // A new flag's configuration is the server's default until now: compare
                // again, so that a file asking for the default writes nothing.
                let current: FlagConfig = self.get(&path).await?;
                let now = ConfigDoc::from_core(&current).map_err(|e| shape(&path, e))?;
                let mut desired = config.clone();
                crate::ascode::document::adopt_rule_ids(&now, &mut desired);
                if crate::ascode::document::same_config(&now, &desired) {
                    return Ok(("unchanged", None));
                }
                if !change_request {
                    let body = to_value(&desired)?;
                    self.ok(Method::PUT, &path, Some(&body)).await?;
                } else {
                    let target = desired.to_core().map_err(|e| shape(&path, e))?;
                    let instructions = vexil_core::patch::diff(&current, &target);
                    let patch = json!({"instructions": instructions, "comment": "vexil apply"});
                    let open: Page = self.get(&format!("/projects/{p}/change-requests?state=open")).await?;
                    for cr in open.items {
                        if cr.get("flag") == Some(&json!(flag))
                            && cr.get("environment") == Some(&json!(environment))
                            && cr.pointer("/patch/instructions") == Some(&patch["instructions"])
                        {
                            return Ok(("already_requested", cr.get("id").and_then(Value::as_i64)));
                        }
                    }
                    let body = json!({
                        "flag": flag,
                        "environment": environment,
                        "title": format!("vexil apply: {flag} in {environment}"),
                        "patch": patch,
                    });
                    let cr =
                        self.ok(Method::POST, &format!("/projects/{p}/change-requests"), Some(&body)).await?;
                    return Ok(("change_request", cr.get("id").and_then(Value::as_i64)));
                }
            }
        }
        Ok(("done", None))
    }
}

fn flag_body(flag: &FlagDoc, create: bool) -> Result<Value, CliError> {
    let mut body = json!({
        "description": flag.description,
        "tags": flag.tags,
        "lifecycle": flag.lifecycle,
        "client_visible": flag.client_visible,
        "owner": flag.owner,
        "links": flag.links,
        "properties": flag.properties,
    });
    if !flag.name.is_empty() {
        body["name"] = json!(flag.name);
    }
    if !flag.variants.is_empty() {
        body["variants"] = to_value(&flag.variants)?;
    }
    if create {
        body["key"] = json!(flag.key);
        body["kind"] = json!(flag.kind);
    }
    Ok(body)
}

fn to_value<T: serde::Serialize>(t: &T) -> Result<Value, CliError> {
    serde_json::to_value(t).map_err(|e| CliError::Input(format!("cannot encode the request: {e}")))
}

/// An answer not of the expected shape (a server of another version?).
fn shape(path: &str, e: serde_json::Error) -> CliError {
    CliError::Unexpected { url: format!("/api/v1{path}"), what: e.to_string() }
}

fn decode<T: for<'de> Deserialize<'de>>(path: &str, v: Value) -> Result<T, CliError> {
    serde_json::from_value(v).map_err(|e| shape(path, e))
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[derive(Deserialize)]
struct Page {
    items: Vec<Value>,
    #[serde(default)]
    next_cursor: Option<String>,
}

#[derive(Deserialize)]
struct ProjectWire {
    key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
struct EnvWire {
    key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    requires_approval: bool,
    #[serde(default)]
    required_approvals: i64,
}

#[derive(Deserialize)]
struct SegmentWire {
    key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    included: Vec<String>,
    #[serde(default)]
    excluded: Vec<String>,
    #[serde(default)]
    rules: Vec<SegmentRuleDoc>,
}

#[derive(Deserialize)]
struct FlagWire {
    key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    kind: KindDoc,
    #[serde(default)]
    variants: Vec<VariantDoc>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    lifecycle: LifecycleDoc,
    #[serde(default)]
    client_visible: bool,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    links: Vec<LinkDoc>,
    #[serde(default)]
    properties: BTreeMap<String, String>,
}
