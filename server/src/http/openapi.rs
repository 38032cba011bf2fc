//! The OpenAPI document, generated from the handlers' `#[utoipa::path]` attributes and the
//! request and response types' `ToSchema` derives. What the derives cannot say — the
//! security schemes and the problem responses every route shares — is built here with
//! utoipa's builders.
//!
//! The generated document is checked in as `openapi/generated.yaml` and served at
//! `/openapi.yaml`; the `api` test suite checks every answer against it and fails when it
//! differs from what this module produces (regenerate with
//! `VEXIL_UPDATE_OPENAPI=1 cargo test --locked -p vexil-server --all-features --test api -- openapi`).
//! The dashboard's API types and schemathesis read it too.

use std::collections::{BTreeMap, BTreeSet};

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, ObjectBuilder, RefOr, Response, ResponseBuilder, Schema, Type,
};
use utoipa::{Modify, OpenApi};

use responses::*;

use super::{
    audit, bulk, change_requests, code_refs, environments, evaluate, flags, health, live, login, ofrep,
    projects, release_plans, scheduled_changes, sdk, sdk_keys, segments, setup, sso, stream, tokens, usage,
    users, webhooks,
};

/// The root of the generated document: every annotated handler and shared component.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Vexil API",
        version = "1",
        description = include_str!("openapi_description.md"),
    ),
    servers((url = "/")),
    security(("bearerAuth" = [])),
    tags(
        (name = "health", description = "Liveness, readiness, metrics and this document."),
        (name = "projects"),
        (name = "auth", description = "Logging in and out, with a password or through single sign-on (OpenID Connect)."),
        (name = "environments"),
        (name = "flags", description = "Flag definitions, per-environment configurations, the kill switch and usage."),
        (name = "debugger", description = "Evaluating a context against an environment, with every step explained."),
        (name = "change-requests", description = "Changes that wait for approvals before they are written (environments that require approval)."),
        (name = "scheduled-changes", description = "Changes written at a set time, once across replicas."),
        (name = "release-plans", description = "Guarded progressive rollouts: a variant stepped up while guardrails compare it with the one it replaces, rolled back by itself when one is worse; verdicts for deployment tools."),
        (name = "segments"),
        (name = "audit"),
        (name = "users"),
        (name = "tokens", description = "API tokens for automation."),
        (name = "sdk-keys", description = "Keys the SDKs use to fetch an environment's flags."),
        (name = "code-references", description = "Where flag keys appear in source code, as `vexil refs scan --upload` reports it."),
        (name = "webhooks", description = "Signed HTTP notifications of a project's events, from a durable outbox, with a delivery log."),
        (name = "sdk", description = "What Vexil's own SDKs call, with an SDK key."),
        (name = "ofrep", description = "The OpenFeature Remote Evaluation Protocol (OFREP), for OpenFeature providers in any language, with an SDK key."),
    ),
    paths(
        health::get_health,
        health::get_readiness,
        health::get_metrics,
        health::get_openapi,
        projects::list_projects,
        projects::create_project,
        projects::get_project,
        projects::update_project,
        projects::delete_project,
        login::login,
        login::logout,
        login::refresh,
        login::get_me,
        environments::list_environments,
        environments::create_environment,
        environments::get_environment,
        environments::update_environment,
        environments::delete_environment,
        sdk_keys::list_sdk_keys,
        sdk_keys::create_sdk_key,
        sdk_keys::revoke_sdk_key,
        webhooks::list_webhooks,
        webhooks::create_webhook,
        webhooks::get_webhook,
        webhooks::update_webhook,
        webhooks::delete_webhook,
        webhooks::list_webhook_deliveries,
        webhooks::redeliver_webhook_delivery,
        audit::list_audit,
        users::list_users,
        users::create_user,
        users::get_user,
        users::update_user,
        users::delete_user,
        tokens::list_tokens,
        tokens::create_token,
        tokens::revoke_token,
        flags::list_flags,
        flags::create_flag,
        flags::get_flag,
        flags::update_flag,
        flags::delete_flag,
        flags::archive_flag,
        flags::restore_flag,
        flags::get_flag_config,
        flags::patch_flag_config,
        flags::toggle_flag,
        flags::restore_flag_config,
        segments::list_segments,
        segments::get_segment,
        segments::replace_segment,
        segments::delete_segment,
        change_requests::list_change_requests,
        change_requests::create_change_request,
        change_requests::get_change_request,
        change_requests::comment_change_request,
        change_requests::approve_change_request,
        change_requests::reject_change_request,
        change_requests::cancel_change_request,
        scheduled_changes::list_scheduled_changes,
        scheduled_changes::create_scheduled_change,
        scheduled_changes::get_scheduled_change,
        scheduled_changes::update_scheduled_change,
        scheduled_changes::cancel_scheduled_change,
        usage::get_flag_usage,
        code_refs::upload_code_references,
        code_refs::get_code_references,
        code_refs::get_flag_code_references,
        release_plans::get_release_plan,
        release_plans::create_release_plan,
        release_plans::start_release_plan,
        release_plans::pause_release_plan,
        release_plans::resume_release_plan,
        release_plans::advance_release_plan,
        release_plans::rollback_release_plan,
        release_plans::get_release_plan_verdict,
        release_plans::check_release_plan_gate,
        evaluate::evaluate_context,
        bulk::toggle_flags,
        bulk::copy_flag_config,
        bulk::clone_flag,
        usage::get_flag_usage_in,
        usage::get_flag_metrics,
        usage::get_flag_applications,
        segments::create_segment,
        flags::replace_flag_config,
        setup::get_setup,
        setup::complete_setup,
        sso::get_auth_config,
        sso::start_sso_login,
        sso::finish_sso_login,
        sso::create_sso_session,
        live::create_stream_token,
        live::get_admin_stream,
        sdk::get_config,
        sdk::post_events,
        stream::get_stream,
        ofrep::evaluate_flags,
        ofrep::evaluate_flag,
        stream::get_ofrep_events,
    ),
    components(
        schemas(
            Problem,
            FieldProblem,
            IfMatchValue,
            crate::store::FlagSort,
            vexil_core::rollout::LayoutMode,
            ofrep_shapes::Error
        ),
        responses(
            ConflictOrApprovalRequired,
            BadRequest,
            Unauthorized,
            Forbidden,
            NotFound,
            Conflict,
            PreconditionFailed,
            PayloadTooLarge,
            UnsupportedMediaType,
            Unprocessable,
            PreconditionRequired,
            TooManyRequests,
            ServiceUnavailable,
            ofrep_shapes::OfrepUnauthorized,
            ofrep_shapes::OfrepMethodNotAllowed,
            ofrep_shapes::OfrepInternal,
            ofrep_shapes::OfrepUnavailable,
        )
    ),
    modifiers(&SecuritySchemes, &ClosedObjects, &FlattenedObjects, &BreakGlass, &PublicOperations),
)]
pub struct ApiDoc;

/// The generated document (`to_yaml()` gives the text checked in at `openapi/generated.yaml`).
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Login tokens and API tokens for the admin API; SDK keys (bearer or `X-API-Key`) for the
/// SDK and OFREP routes.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearerAuth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A login token (JWT) from `POST /api/v1/auth/login`, or an API token `vx_api_...`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "sdkKeyBearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An SDK key, `vx_srv_...` (server) or `vx_cli_...` (client)."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "sdkKeyHeader",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-API-Key",
                "An SDK key, `vx_srv_...` (server) or `vx_cli_...` (client).",
            ))),
        );
    }
}

/// Every object the API reads or writes is closed: a request with a field the server does
/// not know is refused (400), and answers carry only the fields their schema names. Said
/// once here rather than on every type.
struct ClosedObjects;

impl Modify for ClosedObjects {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            for (name, schema) in components.schemas.iter_mut() {
                if LENIENT_SCHEMAS.contains(&name.as_str()) {
                    if let RefOr::T(Schema::Object(object)) = schema {
                        object.additional_properties =
                            Some(Box::new(utoipa::openapi::schema::AdditionalProperties::FreeForm(true)));
                    }
                } else if !OPEN_SCHEMAS.contains(&name.as_str()) {
                    close(schema);
                }
            }
        }
        // Generic types (`Page<T>`) are written inline in the operations.
        each_operation_schema(openapi, close);
    }
}

/// Sets `additionalProperties: false` on every object schema with properties in `schema`.
/// Calls `f` on the schema of every request body and every answer written inline in an
/// operation (not those in `components`).
fn each_operation_schema(openapi: &mut utoipa::openapi::OpenApi, mut f: impl FnMut(&mut RefOr<Schema>)) {
    for item in openapi.paths.paths.values_mut() {
        for op in [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete]
            .into_iter()
            .flatten()
        {
            let bodies = op.request_body.iter_mut().flat_map(|b| b.content.values_mut());
            let answers = op.responses.responses.values_mut().flat_map(|r| match r {
                RefOr::T(r) => Some(r.content.values_mut()),
                RefOr::Ref(_) => None,
            });
            for content in bodies.chain(answers.flatten()) {
                content.schema.iter_mut().for_each(&mut f);
            }
        }
    }
}

fn close(schema: &mut RefOr<Schema>) {
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(object) => {
            if !object.properties.is_empty() && object.additional_properties.is_none() {
                object.additional_properties =
                    Some(Box::new(utoipa::openapi::schema::AdditionalProperties::FreeForm(false)));
            }
            object.properties.values_mut().for_each(close);
        }
        Schema::Array(array) => {
            if let utoipa::openapi::schema::ArrayItems::RefOrSchema(items) = &mut array.items {
                close(items);
            }
        }
        Schema::OneOf(one) => one.items.iter_mut().for_each(close),
        // Not into allOf: there each member's additionalProperties would refuse the others' fields.
        Schema::AnyOf(any) => any.items.iter_mut().for_each(close),
        _ => {}
    }
}

/// A type that flattens others (`#[serde(flatten)]`: `FlagRecord` is a `Flag`, its
/// `FlagMetadata` and fields of its own) comes out of the derive as an `allOf` of its
/// parts. Each part is closed where it stands alone, so as a member it would refuse the
/// other parts' fields and no real answer would validate. Here such an `allOf` gets its
/// parts written open, inline, and is closed once as a whole with
/// `unevaluatedProperties: false` (JSON Schema 2020-12: a field is evaluated when any
/// member names it). An `allOf` whose members add no field to each other (a problem
/// response narrowing `Problem`) is left as it is. Runs after [`ClosedObjects`].
struct FlattenedObjects;

impl Modify for FlattenedObjects {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else { return };
        let named = components.schemas.clone();
        let mut open = |s: &mut RefOr<Schema>| each_all_of(s, &mut |all| open_parts(all, &named));
        components.schemas.values_mut().for_each(&mut open);
        for response in components.responses.values_mut() {
            if let RefOr::T(response) = response {
                for content in response.content.values_mut() {
                    content.schema.iter_mut().for_each(&mut open);
                }
            }
        }
        each_operation_schema(openapi, &mut open);
    }
}

/// Fields a flattened part always carries in answers although requests may leave them
/// out (serde fills them in), by part: required where the part is flattened into an
/// answer, optional where it is a request body of its own.
const SENT_WHEN_FLATTENED: &[(&str, &[&str])] = &[
    ("FlagConfig", &["targets", "rules", "prerequisites", "version"]),
    ("ReleasePlanSpec", &["steps", "guardrails", "alpha", "planned_exposures"]),
];

/// Calls `f` on every `allOf` in `schema`, innermost first.
fn each_all_of(schema: &mut RefOr<Schema>, f: &mut impl FnMut(&mut utoipa::openapi::AllOf)) {
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(object) => {
            object.properties.values_mut().for_each(|s| each_all_of(s, f));
            if let Some(utoipa::openapi::schema::AdditionalProperties::RefOr(s)) =
                object.additional_properties.as_deref_mut()
            {
                each_all_of(s, f);
            }
        }
        Schema::Array(array) => {
            if let utoipa::openapi::schema::ArrayItems::RefOrSchema(items) = &mut array.items {
                each_all_of(items, f);
            }
        }
        Schema::OneOf(one) => one.items.iter_mut().for_each(|s| each_all_of(s, f)),
        Schema::AnyOf(any) => any.items.iter_mut().for_each(|s| each_all_of(s, f)),
        Schema::AllOf(all) => {
            all.items.iter_mut().for_each(|s| each_all_of(s, f));
            f(all);
        }
        _ => {}
    }
}

/// Writes the parts of a flattened type open and inline, and closes the whole (see
/// [`FlattenedObjects`]); `named` are the component schemas, for the parts given by
/// reference.
fn open_parts(all: &mut utoipa::openapi::AllOf, named: &BTreeMap<String, RefOr<Schema>>) {
    let part = |member: &RefOr<Schema>| -> Option<(Option<String>, utoipa::openapi::Object)> {
        match member {
            RefOr::T(Schema::Object(object)) => Some((None, object.clone())),
            RefOr::Ref(r) => {
                let name = r.ref_location.strip_prefix("#/components/schemas/")?;
                let Some(RefOr::T(Schema::Object(object))) = named.get(name) else { return None };
                let mut object = object.clone();
                if !r.description.is_empty() {
                    object.description = Some(r.description.clone());
                }
                Some((Some(name.to_owned()), object))
            }
            RefOr::T(_) => None,
        }
    };
    let Some(parts) = all.items.iter().map(part).collect::<Option<Vec<_>>>() else { return };
    let fields = |o: &utoipa::openapi::Object| o.properties.keys().cloned().collect::<BTreeSet<_>>();
    let every: BTreeSet<String> = parts.iter().flat_map(|(_, o)| fields(o)).collect();
    if parts.iter().all(|(_, o)| fields(o) == every || o.additional_properties.is_none()) {
        return;
    }
    all.items = parts
        .into_iter()
        .map(|(name, mut object)| {
            object.additional_properties = None;
            let sent = SENT_WHEN_FLATTENED.iter().find(|(n, _)| Some(*n) == name.as_deref());
            for field in sent.map_or(&[][..], |(_, f)| *f) {
                if !object.required.iter().any(|r| r == field) {
                    object.required.push((*field).to_owned());
                }
            }
            RefOr::T(Schema::Object(object))
        })
        .collect();
    // utoipa 5's `AllOf` has no field for it; its extensions are written as they are.
    all.extensions
        .get_or_insert_with(Default::default)
        .insert("unevaluatedProperties".to_owned(), serde_json::Value::Bool(false));
}

/// A break-glass toggle (single or bulk) turns off and says why: with `break_glass: true`
/// the body needs `enabled: false` and a comment that is not blank (422 otherwise). A
/// field cannot say it of another, so the rule goes on the object as JSON Schema's
/// `if`/`then` inside an `allOf` (utoipa 5 has neither; the object's extensions are
/// written as they are).
struct BreakGlass;

impl Modify for BreakGlass {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else { return };
        for name in ["ToggleRequest", "BulkToggleRequest"] {
            if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) {
                // One extension key: utoipa keeps extensions in a hash map, so two keys
                // (`if`, `then`) would come out in either order and the checked-in
                // document would differ between runs.
                object.extensions.get_or_insert_with(Default::default).insert(
                    "allOf".to_owned(),
                    serde_json::json!([{
                        "if": {"properties": {"break_glass": {"const": true}}, "required": ["break_glass"]},
                        "then": {
                            "properties": {"enabled": {"const": false}, "comment": {"type": "string", "pattern": "\\S"}},
                            "required": ["enabled", "comment"],
                        },
                    }]),
                );
            }
        }
    }
}

/// Operations whose role is `public` (or `stream-token`, whose token is in the query
/// string) take no credentials: `security: []`, which overrides
/// the document's default (utoipa's `security(())` would say "optional" instead).
struct PublicOperations;

impl Modify for PublicOperations {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for op in [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete]
                .into_iter()
                .flatten()
            {
                let public = op
                    .extensions
                    .as_ref()
                    .and_then(|e| e.get("x-vexil-role"))
                    .is_some_and(|role| role == "public" || role == "stream-token");
                if public {
                    op.security = Some(Vec::new());
                }
            }
        }
    }
}

/// An RFC 9457 problem document, as `http/error.rs` renders it (documentation only: the
/// renderer borrows its fields).
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "only its schema is used")]
struct Problem {
    /// A stable identifier clients can switch on.
    #[schema(rename = "type", inline)]
    kind: ProblemType,
    /// The HTTP reason phrase of `status`.
    title: String,
    #[schema(minimum = 400, maximum = 599)]
    status: u16,
    /// What went wrong, for people.
    detail: String,
    /// Field-level problems (400 and 422); absent when there are none.
    #[schema(min_items = 1, nullable = false)]
    errors: Option<Vec<FieldProblem>>,
    /// What depends on the thing a 409 refused to break; absent when none are known.
    #[schema(min_items = 1, nullable = false)]
    dependents: Option<Vec<String>>,
    /// With 412, the resource's current version.
    #[schema(nullable = false)]
    current_version: Option<i64>,
}

/// The `type` of every problem the server answers.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[expect(dead_code, reason = "only its schema is used")]
enum ProblemType {
    #[serde(rename = "urn:vexil:problem:bad-request")]
    BadRequest,
    #[serde(rename = "urn:vexil:problem:validation")]
    Validation,
    #[serde(rename = "urn:vexil:problem:unauthorized")]
    Unauthorized,
    #[serde(rename = "urn:vexil:problem:forbidden")]
    Forbidden,
    #[serde(rename = "urn:vexil:problem:not-found")]
    NotFound,
    #[serde(rename = "urn:vexil:problem:method-not-allowed")]
    MethodNotAllowed,
    #[serde(rename = "urn:vexil:problem:conflict")]
    Conflict,
    #[serde(rename = "urn:vexil:problem:approval-required")]
    ApprovalRequired,
    #[serde(rename = "urn:vexil:problem:version-mismatch")]
    VersionMismatch,
    #[serde(rename = "urn:vexil:problem:if-match-required")]
    IfMatchRequired,
    #[serde(rename = "urn:vexil:problem:payload-too-large")]
    PayloadTooLarge,
    #[serde(rename = "urn:vexil:problem:unsupported-media-type")]
    UnsupportedMediaType,
    #[serde(rename = "urn:vexil:problem:rate-limited")]
    RateLimited,
    #[serde(rename = "urn:vexil:problem:unavailable")]
    Unavailable,
    #[serde(rename = "urn:vexil:problem:internal")]
    Internal,
}

/// One event of a `text/event-stream` body (the fields of the WHATWG event-stream
/// format); `data` holds JSON as text. Comment lines (keep-alives) carry no event.
/// Documentation only; open (not closed like the JSON objects): it describes a text format.
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "only its schema is used")]
pub(super) struct ServerSentEvent {
    #[schema(nullable = false)]
    event: Option<String>,
    #[schema(nullable = false)]
    data: Option<String>,
    #[schema(nullable = false)]
    id: Option<String>,
    #[schema(nullable = false, minimum = 0)]
    retry: Option<i64>,
}

/// Component schemas left open (no `additionalProperties`): a text format, and the SDKs'
/// event batch, whose unknown members are ignored so that newer SDKs keep working.
const OPEN_SCHEMAS: &[&str] = &["ServerSentEvent", "EventBatch"];

/// Component schemas that say `additionalProperties: true`: what SDKs and OpenFeature
/// providers send, read leniently (unknown members are ignored, never refused).
const LENIENT_SCHEMAS: &[&str] =
    &["EventWindow", "UsageEntry", "MetricEntry", "Application", "OfrepEvaluationRequest", "OfrepContext"];

/// What `If-Match` takes: `*`, or one version as an ETag (`"7"`, `W/"7"` or `7`). The
/// operations write the pattern inline (utoipa 5 has no parameter components); the
/// component states it once for clients and the contract test.
pub(super) struct IfMatchValue;

impl utoipa::PartialSchema for IfMatchValue {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("`*`, or one version as an ETag (`\"7\"`, `W/\"7\"` or `7`)."))
            .pattern(Some(r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#))
            .into()
    }
}

impl utoipa::ToSchema for IfMatchValue {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("IfMatchValue")
    }
}

/// One thing wrong with a request document.
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "only its schema is used")]
pub(super) struct FieldProblem {
    /// JSON pointer (RFC 6901) to the offending value in the request body.
    pointer: String,
    message: String,
}

/// A problem response: `Problem` narrowed to one `type` and `status`, with `required`
/// naming the members that answer always carries.
fn problem(description: &str, types: &[&str], status: u16, required: &[&str]) -> Response {
    // A one-value `enum` rather than `const`, which utoipa 5's builder lacks; they mean the same.
    let kind = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(types.iter().copied()));
    let mut narrowed = ObjectBuilder::new()
        .property("type", kind)
        .property("status", ObjectBuilder::new().schema_type(Type::Integer).enum_values(Some([status])));
    for r in required {
        narrowed = narrowed.required(*r);
    }
    let schema = Schema::AllOf(
        utoipa::openapi::AllOfBuilder::new()
            .item(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("Problem")))
            .item(narrowed)
            .build(),
    );
    ResponseBuilder::new()
        .description(description)
        .content("application/problem+json", ContentBuilder::new().schema(Some(schema)).build())
        .build()
}

/// A problem response component: `$name` in `#/components/responses`, answered with
/// `status` and the problem type `urn`.
macro_rules! problem_response {
    ($name:ident, $status:literal, $urn:literal, $description:literal $(, required = $req:literal)?) => {
        #[doc = $description]
        pub(crate) struct $name;

        impl<'s> ToResponse<'s> for $name {
            fn response() -> (&'s str, RefOr<Response>) {
                let r = problem($description, &[concat!("urn:vexil:problem:", $urn)], $status, &[$($req)?]);
                (stringify!($name), RefOr::T(r))
            }
        }
    };
}

/// The problem responses every route shares, as `response = ...` in `#[utoipa::path]`.
pub(super) mod responses {
    use utoipa::ToResponse;
    use utoipa::openapi::{RefOr, Response, Type};

    use utoipa::openapi::{HeaderBuilder, ObjectBuilder};

    use super::{header, problem};

    problem_response!(
        BadRequest,
        400,
        "bad-request",
        "Malformed request: bad JSON, unknown field, bad query parameter or header, or text (in the path, the query string or the body) holding the NUL character U+0000, which no text in Vexil may contain."
    );
    problem_response!(
        Forbidden,
        403,
        "forbidden",
        "The caller's role is too low, or the API token is scoped to another project."
    );
    problem_response!(
        NotFound,
        404,
        "not-found",
        "The resource (or the project or environment it belongs to) does not exist."
    );
    problem_response!(
        Conflict,
        409,
        "conflict",
        "The change would break something (named in `dependents`, when known) or the key is already taken."
    );
    problem_response!(
        PreconditionFailed,
        412,
        "version-mismatch",
        "`If-Match` names an older version; `current_version` is the current one. Read the resource again and reapply the change.",
        required = "current_version"
    );
    problem_response!(PayloadTooLarge, 413, "payload-too-large", "The request body is over the size limit.");
    problem_response!(
        UnsupportedMediaType,
        415,
        "unsupported-media-type",
        "The request body is not declared as JSON."
    );
    problem_response!(
        Unprocessable,
        422,
        "validation",
        "Well-formed but invalid content; `errors` names each problem by JSON pointer.",
        required = "errors"
    );
    problem_response!(
        PreconditionRequired,
        428,
        "if-match-required",
        "The write needs an `If-Match` header."
    );
    problem_response!(
        ServiceUnavailable,
        503,
        "unavailable",
        "The server cannot serve right now (e.g. the database is unreachable)."
    );

    /// 409 on configuration writes, which environments that require approval refuse too.
    pub(crate) struct ConflictOrApprovalRequired;

    impl<'s> ToResponse<'s> for ConflictOrApprovalRequired {
        fn response() -> (&'s str, RefOr<Response>) {
            let r = problem(
                "The change would break something (named in `dependents`, when known), or (`approval-required`) the environment requires approval: the detail names the change-request route, `POST /api/v1/projects/{project}/change-requests`.",
                &["urn:vexil:problem:conflict", "urn:vexil:problem:approval-required"],
                409,
                &[],
            );
            ("ConflictOrApprovalRequired", RefOr::T(r))
        }
    }

    /// 401, with the `WWW-Authenticate` challenge.
    pub(crate) struct Unauthorized;

    impl<'s> ToResponse<'s> for Unauthorized {
        fn response() -> (&'s str, RefOr<Response>) {
            let mut r = problem(
                "No credentials, or credentials that are unknown, expired or revoked.",
                &["urn:vexil:problem:unauthorized"],
                401,
                &[],
            );
            r.headers.insert("WWW-Authenticate".to_owned(), header("Always `Bearer`.", Type::String));
            ("Unauthorized", RefOr::T(r))
        }
    }

    /// 429, with `Retry-After`.
    pub(crate) struct TooManyRequests;

    impl<'s> ToResponse<'s> for TooManyRequests {
        fn response() -> (&'s str, RefOr<Response>) {
            let mut r = problem(
                "Too many failed attempts; wait `Retry-After` seconds.",
                &["urn:vexil:problem:rate-limited"],
                429,
                &[],
            );
            r.headers.insert(
                "Retry-After".to_owned(),
                HeaderBuilder::new()
                    .schema(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)))
                    .description(Some("Seconds to wait before trying again."))
                    .build(),
            );
            ("TooManyRequests", RefOr::T(r))
        }
    }
}

fn header(description: &str, ty: Type) -> utoipa::openapi::Header {
    HeaderBuilder::new().schema(ObjectBuilder::new().schema_type(ty)).description(Some(description)).build()
}

/// The OpenFeature Remote Evaluation Protocol's shapes, as `http/ofrep.rs` writes them
/// (documentation only: the routes write their answers byte by byte, borrowing from the
/// compiled snapshot). The names are the protocol's.
#[expect(dead_code, reason = "only their schemas are used")]
pub(super) mod ofrep_shapes {
    use serde::Serialize;
    use utoipa::openapi::schema::SchemaType;
    use utoipa::openapi::{ObjectBuilder, RefOr, Schema, Type};
    use utoipa::{ToResponse, ToSchema};

    /// An OFREP evaluation request; members other than `context` are ignored.
    #[derive(Serialize, ToSchema)]
    #[schema(as = OfrepEvaluationRequest)]
    pub(crate) struct EvaluationRequest {
        context: Context,
    }

    /// An OpenFeature evaluation context. `targetingKey` becomes the context key; it may
    /// be absent or null (an anonymous context). Every other member becomes an attribute.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    #[schema(as = OfrepContext)]
    pub(crate) struct Context {
        #[serde(default)]
        targeting_key: Option<String>,
    }

    /// The OpenFeature reasons.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub(crate) enum Reason {
        Static,
        TargetingMatch,
        Split,
        Disabled,
        Unknown,
    }

    /// Vexil's own reasons.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub(crate) enum VexilReason {
        Disabled,
        PrerequisiteFailed,
        TargetingMatch,
        Split,
        Default,
    }

    /// A value the protocol can carry: a boolean, a string, a number or an object.
    fn value_schema() -> Schema {
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::Boolean, Type::String, Type::Number, Type::Object]))
            .build()
            .into()
    }

    /// A flag's value for the context.
    #[derive(Serialize, ToSchema)]
    #[schema(as = OfrepEvaluationSuccess)]
    pub(crate) struct EvaluationSuccess {
        /// The flag key.
        key: String,
        /// The value of the variant served; absent when a `json` flag serves `null`.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(schema_with = value_schema)]
        value: Option<serde_json::Value>,
        #[schema(inline)]
        reason: Reason,
        /// The key of the variant served.
        variant: String,
        metadata: FlagMetadata,
    }

    /// Vexil's details of an evaluation; every value is a string, a number or a boolean.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    #[schema(as = OfrepFlagMetadata)]
    pub(crate) struct FlagMetadata {
        #[schema(inline)]
        vexil_reason: VexilReason,
        /// The id of the rule that matched; only for server keys.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        rule_id: Option<String>,
        /// The position of the rule that matched; only for server keys.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false, value_type = Option<u64>)]
        rule_index: Option<usize>,
    }

    /// Error codes of a flag's failure.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub(crate) enum FailureCode {
        ParseError,
        TargetingKeyMissing,
        InvalidContext,
        General,
    }

    /// Why a flag has no value for this request or context.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    #[schema(as = OfrepEvaluationFailure)]
    pub(crate) struct EvaluationFailure {
        key: String,
        #[schema(inline)]
        error_code: FailureCode,
        error_details: String,
    }

    /// `GENERAL`, the code of every other error.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub(crate) enum GeneralCode {
        General,
    }

    /// Any other error of an OFREP route (a bad, revoked or expired key or stream token,
    /// a deleted environment, a wrong method, a server failure), in the protocol's shape.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    #[schema(as = OfrepError)]
    pub(crate) struct Error {
        /// The flag key, on the single-flag route.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        key: Option<String>,
        #[schema(inline)]
        error_code: GeneralCode,
        /// What went wrong, for people.
        error_details: String,
    }

    /// `FLAG_NOT_FOUND`.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub(crate) enum NotFoundCode {
        FlagNotFound,
    }

    /// No flag with this key is visible to the SDK key.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    #[schema(as = OfrepFlagNotFound)]
    pub(crate) struct FlagNotFound {
        key: String,
        #[schema(inline)]
        error_code: NotFoundCode,
        error_details: String,
    }

    /// Error codes of a bulk request that could not be used.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub(crate) enum BulkFailureCode {
        ParseError,
        InvalidContext,
    }

    /// Why a bulk request could not be used at all (no flag was evaluated).
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    #[schema(as = OfrepBulkFailure)]
    pub(crate) struct BulkFailure {
        #[schema(inline)]
        error_code: BulkFailureCode,
        error_details: String,
    }

    /// One flag of a bulk answer: its value, or why it has none.
    #[derive(Serialize, ToSchema)]
    #[serde(untagged)]
    pub(crate) enum BulkItem {
        Success(EvaluationSuccess),
        Failure(EvaluationFailure),
    }

    /// The results of a bulk evaluation.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    #[schema(as = OfrepBulkEvaluation)]
    pub(crate) struct BulkEvaluation {
        /// One item per flag visible to the SDK key: its value, or why it has none.
        #[schema(inline)]
        flags: Vec<BulkItem>,
        metadata: BulkMetadata,
        /// Where to receive change notifications in real time: one `sse` entry.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        event_streams: Option<Vec<EventStream>>,
    }

    /// The environment a bulk answer is about.
    #[derive(Serialize, ToSchema)]
    #[schema(as = OfrepBulkMetadata)]
    pub(crate) struct BulkMetadata {
        /// The snapshot version, as a decimal string.
        version: String,
        /// The environment key.
        environment: String,
    }

    /// A change notification connection: exactly one of `url` and `endpoint`.
    #[derive(Serialize, ToSchema)]
    #[serde(untagged)]
    #[schema(as = OfrepEventStream)]
    pub(crate) enum EventStream {
        Url(EventStreamUrl),
        Endpoint(EventStreamAt),
    }

    /// A connection by its full address.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    #[schema(as = OfrepEventStreamByUrl)]
    pub(crate) struct EventStreamUrl {
        /// The mechanism, e.g. `sse` (server-sent events).
        r#type: String,
        /// The full address to connect to; it may carry credentials, so it is not to be logged.
        url: String,
        /// Seconds of client inactivity after which the provider closes the connection.
        #[schema(minimum = 1)]
        inactivity_delay_sec: u64,
    }

    /// A connection by its address in parts.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    #[schema(as = OfrepEventStreamByEndpoint)]
    pub(crate) struct EventStreamAt {
        /// The mechanism, e.g. `sse` (server-sent events).
        r#type: String,
        endpoint: EventStreamEndpoint,
        /// Seconds of client inactivity after which the provider closes the connection.
        #[schema(minimum = 1)]
        inactivity_delay_sec: u64,
    }

    /// The address to connect to, in parts; without `origin`, the origin of the OFREP base URL.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "camelCase")]
    #[schema(as = OfrepEventStreamEndpoint)]
    pub(crate) struct EventStreamEndpoint {
        /// Scheme, host and port.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        origin: Option<String>,
        /// Path and query, starting with `/`.
        request_uri: String,
    }

    /// An OFREP error response with `description`.
    fn error_response(description: &str) -> utoipa::openapi::Response {
        utoipa::openapi::ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(utoipa::openapi::Ref::from_schema_name("OfrepError")))
                    .build(),
            )
            .build()
    }

    macro_rules! ofrep_response {
        ($name:ident, $description:literal) => {
            #[doc = $description]
            pub(crate) struct $name;

            impl<'s> ToResponse<'s> for $name {
                fn response() -> (&'s str, RefOr<utoipa::openapi::Response>) {
                    (stringify!($name), RefOr::T(error_response($description)))
                }
            }
        };
    }

    ofrep_response!(OfrepMethodNotAllowed, "The route does not take this method; in the protocol's shape.");
    ofrep_response!(OfrepInternal, "A server failure (the log has its cause); in the protocol's shape.");
    ofrep_response!(OfrepUnavailable, "The database cannot be reached; in the protocol's shape.");

    /// 401 in the protocol's shape, with the `WWW-Authenticate` challenge.
    pub(crate) struct OfrepUnauthorized;

    impl<'s> ToResponse<'s> for OfrepUnauthorized {
        fn response() -> (&'s str, RefOr<utoipa::openapi::Response>) {
            let mut r = error_response(
                "No SDK key, or one that is unknown, revoked or expired, or whose environment was deleted; in the protocol's shape.",
            );
            r.headers.insert("WWW-Authenticate".to_owned(), super::header("Always `Bearer`.", Type::String));
            ("OfrepUnauthorized", RefOr::T(r))
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    /// Validates `instance` against the component schema `name` of the generated document.
    fn errors(name: &str, instance: &Value) -> Vec<String> {
        let mut root = serde_json::to_value(super::document()).expect("the document is JSON");
        root["$ref"] = json!(format!("#/components/schemas/{name}"));
        root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
        let validator = jsonschema::validator_for(&root).expect("a valid schema");
        validator.iter_errors(instance).map(|e| format!("{e} at {}", e.instance_path)).collect()
    }

    fn flag_record() -> Value {
        json!({
            "key": "checkout", "name": "Checkout", "description": "", "kind": "boolean",
            "variants": [{"key": "on", "value": true}, {"key": "off", "value": false}],
            "tags": [], "lifecycle": "temporary", "salt": "s", "client_visible": false,
            "owner": "", "links": [], "properties": {},
            "version": 1, "archived": false, "created_at": "2026-11-30T12:00:00Z",
            "updated_at": "2026-11-30T12:00:00Z", "environments": {}, "last_evaluated_at": null,
            "stale": false
        })
    }

    #[test]
    fn a_flattened_type_takes_the_fields_of_every_part_and_no_other() {
        assert_eq!(errors("FlagRecord", &flag_record()), Vec::<String>::new());
        let mut unknown = flag_record();
        unknown["surprise"] = json!(1);
        assert!(!errors("FlagRecord", &unknown).is_empty(), "an unknown field is refused");
        let mut missing = flag_record();
        missing.as_object_mut().expect("an object").remove("tags");
        assert!(!errors("FlagRecord", &missing).is_empty(), "a field read with a default is always sent");
    }

    #[test]
    fn a_part_standing_alone_stays_closed_and_keeps_its_defaults_optional() {
        let spec = json!({"treatment": "on", "control": "off"});
        assert_eq!(errors("ReleasePlanSpec", &spec), Vec::<String>::new());
        let mut unknown = spec.clone();
        unknown["surprise"] = json!(1);
        assert!(!errors("ReleasePlanSpec", &unknown).is_empty());
    }
}
