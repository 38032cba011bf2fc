//! LaunchDarkly flags as its REST API returns them (`GET /api/v2/flags/{project}/{flag}`
//! for one, `GET /api/v2/flags/{project}?summary=0` for `{"items": [...]}`), with
//! `environments.{env}.{on, targets, rules, fallthrough, offVariation, prerequisites}`.
//!
//! Variations have no keys there, so Vexil variant keys come from the variation's
//! name, else its string value, else `variation-N`; a boolean flag's are `on`/`off`.
//! Weights are already in thousandths of a percent, Vexil's unit.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Cx, arr, s, slug, slugs};
use crate::ascode::document::{
    ConditionDoc, ConfigDoc, FlagDoc, LifecycleDoc, OpDoc, PrerequisiteDoc, RolloutDoc, RuleDoc, SegmentDoc,
    ServeDoc, TargetDoc, VariantDoc, WeightDoc,
};

const REBUCKET: &str = "LaunchDarkly buckets by SHA-1 of the flag key, the flag's salt (or a seed) and the value into [0, 1); Vexil by MurmurHash3 of its own salt";

pub(super) fn convert(root: &Value, cx: &mut Cx) -> Result<(), String> {
    let flags: Vec<&Value> =
        match root.get("items").and_then(Value::as_array) {
            Some(items) => items.iter().collect(),
            None if root.get("key").is_some() && root.get("variations").is_some() => vec![root],
            None => return Err(
                "neither a flag (key, variations) nor a list of flags (items): not LaunchDarkly flag JSON"
                    .to_owned(),
            ),
        };
    let base = if root.get("items").is_some() { "/items" } else { "" };
    // Variant keys of every flag first: prerequisites name another flag's variation by index.
    let mut keys_of: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for (i, f) in flags.iter().enumerate() {
        let at = if base.is_empty() { String::new() } else { format!("{base}/{i}") };
        let key = cx.flag_key(s(f, "key"), &format!("{at}/key"));
        keys_of.insert(s(f, "key").to_owned(), (key, variation_keys(f)));
    }
    let mut segments: BTreeMap<String, String> = BTreeMap::new();
    for (i, f) in flags.iter().enumerate() {
        let at = if base.is_empty() { String::new() } else { format!("{base}/{i}") };
        let (key, vkeys) = keys_of.get(s(f, "key")).cloned().unwrap_or_default();
        let variations = arr(f, "variations");
        let kind = super::flagd::kind_of(variations.iter().map(|v| v.get("value").unwrap_or(&Value::Null)));
        let variants: Vec<VariantDoc> = variations
            .iter()
            .zip(&vkeys)
            .map(|(v, k)| VariantDoc {
                key: k.clone(),
                value: v.get("value").cloned().unwrap_or(Value::Null),
                name: s(v, "name").to_owned(),
                description: s(v, "description").to_owned(),
            })
            .collect();
        if variants.is_empty() {
            cx.skip(&at, format!("flag {}", s(f, "key")), "no variations; flag skipped");
            continue;
        }
        let mut environments = BTreeMap::new();
        if let Some(envs) = f.get("environments").and_then(Value::as_object) {
            for (env_name, e) in envs {
                let eat = format!("{at}/environments/{env_name}");
                let env = cx.env(env_name, &eat);
                let config = environment(e, &eat, &vkeys, &keys_of, &mut segments, cx);
                environments.insert(env, config);
            }
        }
        let mut properties = BTreeMap::new();
        if let Some(cp) = f.get("customProperties").and_then(Value::as_object) {
            for (k, p) in cp {
                let values: Vec<&str> = arr(p, "value").iter().filter_map(Value::as_str).collect();
                properties.insert(k.clone(), values.join(", "));
            }
        }
        if f.get("deprecated").and_then(Value::as_bool) == Some(true) {
            cx.skip(
                format!("{at}/deprecated"),
                "deprecated",
                "Vexil has no deprecated state; use tags or archive the flag",
            );
        }
        let client_visible =
            f.pointer("/clientSideAvailability/usingEnvironmentId").and_then(Value::as_bool).unwrap_or(false);
        if f.pointer("/clientSideAvailability/usingMobileKey").and_then(Value::as_bool) == Some(true)
            && !client_visible
        {
            cx.skip(
                format!("{at}/clientSideAvailability"),
                "mobile availability",
                "Vexil has one client visibility; the flag stays server-only",
            );
        }
        cx.doc.flags.push(FlagDoc {
            key,
            name: s(f, "name").to_owned(),
            description: s(f, "description").to_owned(),
            kind,
            variants,
            tags: arr(f, "tags").iter().filter_map(Value::as_str).map(slug).collect(),
            lifecycle: if f.get("temporary").and_then(Value::as_bool).unwrap_or(true) {
                LifecycleDoc::Temporary
            } else {
                LifecycleDoc::Permanent
            },
            client_visible,
            owner: f.pointer("/_maintainer/email").and_then(Value::as_str).unwrap_or("").to_owned(),
            links: Vec::new(),
            properties,
            archived: f.get("archived").and_then(Value::as_bool).unwrap_or(false),
            environments,
        });
    }
    for (key, at) in segments {
        cx.skip(
            at,
            format!("segment {key}"),
            "LaunchDarkly's flag JSON does not carry segment contents: an empty segment of that key is created; fill it before turning the flag on",
        );
        cx.doc.segments.push(SegmentDoc {
            key,
            name: String::new(),
            description: "imported from LaunchDarkly without its contents".to_owned(),
            included: Vec::new(),
            excluded: Vec::new(),
            rules: Vec::new(),
        });
    }
    Ok(())
}

fn variation_keys(f: &Value) -> Vec<String> {
    let vs = arr(f, "variations");
    if vs.len() == 2 && vs.iter().all(|v| v.get("value").is_some_and(Value::is_boolean)) {
        return vs
            .iter()
            .map(|v| if v.get("value") == Some(&json!(true)) { "on".to_owned() } else { "off".to_owned() })
            .collect();
    }
    let names: Vec<String> = vs
        .iter()
        .enumerate()
        .map(|(i, v)| match (s(v, "name"), v.get("value").and_then(Value::as_str)) {
            (n, _) if !n.is_empty() => n.to_owned(),
            (_, Some(sv)) if !sv.is_empty() && sv.len() <= 64 => sv.to_owned(),
            _ => format!("variation-{i}"),
        })
        .collect();
    slugs(names.iter().map(String::as_str))
}

fn environment(
    e: &Value,
    at: &str,
    vkeys: &[String],
    keys_of: &BTreeMap<String, (String, Vec<String>)>,
    segments: &mut BTreeMap<String, String>,
    cx: &mut Cx,
) -> ConfigDoc {
    let variant = |i: Option<u64>| i.and_then(|i| vkeys.get(i as usize)).cloned();
    let off = match variant(e.get("offVariation").and_then(Value::as_u64)) {
        Some(v) => v,
        None => {
            let fallback = vkeys.iter().find(|k| *k == "off").unwrap_or(&vkeys[0]).clone();
            cx.skip(
                format!("{at}/offVariation"),
                "offVariation null",
                format!("LaunchDarkly then answers with the caller's default; Vexil needs a variant: {fallback:?} is served when off"),
            );
            fallback
        }
    };
    let mut config = ConfigDoc {
        enabled: e.get("on").and_then(Value::as_bool).unwrap_or(false),
        off_variant: off.clone(),
        targets: Vec::new(),
        rules: Vec::new(),
        default: ServeDoc::Variant(off),
        prerequisites: Vec::new(),
    };
    for (i, t) in arr(e, "targets").iter().enumerate() {
        let kind = s(t, "contextKind");
        if !kind.is_empty() && kind != "user" {
            cx.skip(
                format!("{at}/targets/{i}"),
                format!("{kind} targets"),
                "Vexil targets context keys of one kind; dropped",
            );
            continue;
        }
        if let Some(v) = variant(t.get("variation").and_then(Value::as_u64)) {
            let keys = arr(t, "values").iter().filter_map(Value::as_str).map(str::to_owned).collect();
            config.targets.push(TargetDoc { variant: v, keys });
        }
    }
    for (i, t) in arr(e, "contextTargets").iter().enumerate() {
        if !arr(t, "values").is_empty() && s(t, "contextKind") != "user" {
            cx.skip(
                format!("{at}/contextTargets/{i}"),
                format!("{} targets", s(t, "contextKind")),
                "Vexil targets context keys of one kind; dropped",
            );
        }
    }
    for (i, r) in arr(e, "rules").iter().enumerate() {
        let rat = format!("{at}/rules/{i}");
        let Some(serve) = serve(r, &rat, vkeys, cx) else { continue };
        let mut conditions = Vec::new();
        let mut ok = true;
        for (j, c) in arr(r, "clauses").iter().enumerate() {
            match clause(c, segments, &format!("{rat}/clauses/{j}")) {
                Ok(cond) => conditions.push(cond),
                Err(why) => {
                    cx.skip(
                        format!("{rat}/clauses/{j}"),
                        format!("clause {c}"),
                        format!("{why}; the rule is dropped"),
                    );
                    ok = false;
                }
            }
        }
        if ok {
            let id = r.get("_id").and_then(Value::as_str).map(slug).unwrap_or_else(|| format!("r{}", i + 1));
            config.rules.push(RuleDoc { id, description: s(r, "description").to_owned(), conditions, serve });
        }
    }
    if let Some(serve) =
        e.get("fallthrough").and_then(|ft| serve(ft, &format!("{at}/fallthrough"), vkeys, cx))
    {
        config.default = serve;
    }
    for (i, p) in arr(e, "prerequisites").iter().enumerate() {
        let pat = format!("{at}/prerequisites/{i}");
        match keys_of.get(s(p, "key")) {
            Some((flag, keys)) => match p.get("variation").and_then(Value::as_u64).and_then(|v| keys.get(v as usize)) {
                Some(variant) => config.prerequisites.push(PrerequisiteDoc { flag: flag.clone(), variant: variant.clone() }),
                None => cx.skip(pat, format!("prerequisite {}", s(p, "key")), "its variation index is not a variation of that flag; dropped"),
            },
            None => cx.skip(
                pat,
                format!("prerequisite {}", s(p, "key")),
                "that flag is not in this file, so its variation cannot be named; dropped (import it together)",
            ),
        }
    }
    config
}

fn serve(r: &Value, at: &str, vkeys: &[String], cx: &mut Cx) -> Option<ServeDoc> {
    if let Some(i) = r.get("variation").and_then(Value::as_u64) {
        return match vkeys.get(i as usize) {
            Some(k) => Some(ServeDoc::Variant(k.clone())),
            None => {
                cx.skip(at, format!("variation {i}"), "not a variation of the flag; dropped");
                None
            }
        };
    }
    let rollout = r.get("rollout")?;
    if s(rollout, "kind") == "experiment" {
        cx.skip(
            format!("{at}/rollout"),
            "experiment",
            "Vexil has no experiments; served as a plain rollout of the same shares",
        );
    }
    if rollout.get("seed").is_some_and(|x| !x.is_null()) {
        cx.skip(
            format!("{at}/rollout/seed"),
            "rollout seed",
            "Vexil buckets by the flag's salt; the seed is dropped",
        );
    }
    let kind = s(rollout, "contextKind");
    if !kind.is_empty() && kind != "user" {
        cx.skip(
            format!("{at}/rollout/contextKind"),
            format!("context kind {kind}"),
            "Vexil has one context; bucketed by the attribute of that context",
        );
    }
    let weights: Vec<WeightDoc> = arr(rollout, "variations")
        .iter()
        .filter_map(|w| {
            let variant = vkeys.get(w.get("variation")?.as_u64()? as usize)?.clone();
            Some(WeightDoc { variant, weight: u32::try_from(w.get("weight")?.as_u64()?).ok()? })
        })
        .collect();
    if weights.iter().map(|w| u64::from(w.weight)).sum::<u64>() != 100_000 {
        cx.skip(format!("{at}/rollout"), "rollout", "its weights do not sum to 100 000; dropped");
        return None;
    }
    cx.rebucketed(&format!("{at}/rollout"), REBUCKET);
    let by = s(rollout, "bucketBy");
    Some(ServeDoc::Rollout(RolloutDoc {
        bucket_by: if by.is_empty() || by == "key" { None } else { Some(by.to_owned()) },
        weights,
    }))
}

fn clause(c: &Value, segments: &mut BTreeMap<String, String>, at: &str) -> Result<ConditionDoc, String> {
    let kind = s(c, "contextKind");
    if !kind.is_empty() && kind != "user" {
        return Err(format!("context kind {kind:?}: Vexil evaluates one context"));
    }
    let values = arr(c, "values").to_vec();
    let op = match s(c, "op") {
        "in" => OpDoc::In,
        "endsWith" => OpDoc::EndsWith,
        "startsWith" => OpDoc::StartsWith,
        "matches" => OpDoc::Matches,
        "contains" => OpDoc::Contains,
        "lessThan" => OpDoc::Lt,
        "lessThanOrEqual" => OpDoc::Lte,
        "greaterThan" => OpDoc::Gt,
        "greaterThanOrEqual" => OpDoc::Gte,
        "before" => OpDoc::Before,
        "after" => OpDoc::After,
        "semVerEqual" => OpDoc::SemverEq,
        "semVerLessThan" => OpDoc::SemverLt,
        "semVerGreaterThan" => OpDoc::SemverGt,
        "segmentMatch" => {
            let keys: Vec<Value> = values.iter().filter_map(Value::as_str).map(|k| json!(slug(k))).collect();
            for k in keys.iter().filter_map(Value::as_str) {
                segments.entry(k.to_owned()).or_insert_with(|| at.to_owned());
            }
            return Ok(ConditionDoc {
                attribute: String::new(),
                op: OpDoc::InSegment,
                values: keys,
                negate: c.get("negate").and_then(Value::as_bool).unwrap_or(false),
            });
        }
        other => return Err(format!("operator {other:?} has no Vexil counterpart")),
    };
    let values = if matches!(op, OpDoc::Before | OpDoc::After) {
        values.iter().map(time_value).collect::<Result<Vec<_>, _>>()?
    } else {
        values
    };
    Ok(ConditionDoc {
        attribute: s(c, "attribute").to_owned(),
        op,
        values,
        negate: c.get("negate").and_then(Value::as_bool).unwrap_or(false),
    })
}

/// LaunchDarkly dates are Unix milliseconds or RFC 3339 strings; Vexil's are RFC 3339.
fn time_value(v: &Value) -> Result<Value, String> {
    if v.is_string() {
        return Ok(v.clone());
    }
    let ms = v.as_i64().ok_or("a date that is neither Unix milliseconds nor a string")?;
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map_err(|_| format!("date {ms} is out of range"))?;
    t.format(&time::format_description::well_known::Rfc3339).map(Value::String).map_err(|e| e.to_string())
}
