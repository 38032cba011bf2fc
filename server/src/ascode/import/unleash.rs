//! Unleash's feature export (`POST /api/admin/features-batch/export`: `features`,
//! `featureStrategies`, `featureEnvironments`, `featureTags`, `segments`,
//! `dependencies`; the older state export has the same lists).
//!
//! A feature is on for a context when any of its strategies matches, so each strategy
//! becomes a rule serving `on` (or the strategy's/environment's variants) and the
//! default serves `off`; an enabled environment without strategies serves `on` to
//! everyone. Unleash answers `isEnabled` and `getVariant` separately; Vexil serves one
//! value, so a feature with variants becomes a string or JSON flag whose `disabled`
//! variant is what Unleash's disabled variant was.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::{Cx, arr, s, scale, slug, slugs};
use crate::ascode::document::{
    ConditionDoc, ConfigDoc, FlagDoc, KindDoc, LifecycleDoc, OpDoc, PrerequisiteDoc, RolloutDoc, RuleDoc,
    SegmentDoc, SegmentRuleDoc, ServeDoc, TargetDoc, VariantDoc,
};

const REBUCKET: &str = "Unleash hashes groupId:userId with MurmurHash3 as Vexil hashes salt:key, but keeps the hash modulo 100 \
     (and modulo 1000 with another seed for variants) where Vexil scales it onto 100 000 ordered buckets, so the sets of users differ";

/// A variant as Unleash defines it, with its Vexil key.
struct UVariant {
    key: String,
    weight: f64,
    value: Value,
}

pub(super) fn convert(root: &Value, cx: &mut Cx) -> Result<(), String> {
    let features = arr(root, "features");
    if root.get("features").is_none() {
        return Err("no \"features\" list: not an Unleash feature export".to_owned());
    }
    // Segments first: strategies name them by id.
    let mut segment_keys: BTreeMap<i64, String> = BTreeMap::new();
    let names: Vec<&str> = arr(root, "segments").iter().map(|g| s(g, "name")).collect();
    for ((i, g), key) in arr(root, "segments").iter().enumerate().zip(slugs(names)) {
        let at = format!("/segments/{i}");
        if let Some(id) = g.get("id").and_then(Value::as_i64) {
            segment_keys.insert(id, key.clone());
        }
        let mut rules = Vec::new();
        match g.get("constraints").and_then(Value::as_array) {
            None => cx.skip(
                &at,
                format!("segment {}", s(g, "name")),
                "the export carries no constraints for it: created empty",
            ),
            Some(cs) => match constraints(cs, &format!("{at}/constraints"), cx) {
                Some(conditions) => rules.push(SegmentRuleDoc { id: String::new(), conditions }),
                None => cx.skip(
                    &at,
                    format!("segment {}", s(g, "name")),
                    "a constraint did not map: the segment has no rule (it narrows to nobody)",
                ),
            },
        }
        cx.doc.segments.push(SegmentDoc {
            key,
            name: s(g, "name").to_owned(),
            description: s(g, "description").to_owned(),
            included: Vec::new(),
            excluded: Vec::new(),
            rules,
        });
    }

    let mut tags: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for t in arr(root, "featureTags") {
        let value = s(t, "tagValue");
        let value = if value.is_empty() { s(t, "value") } else { value };
        tags.entry(s(t, "featureName")).or_default().push(slug(value));
    }
    let mut deps: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for d in arr(root, "dependencies") {
        deps.entry(s(d, "feature")).or_default().extend(arr(d, "dependencies"));
    }

    // Keys and whether each feature has variants, before prerequisites refer to them.
    let mut key_of: BTreeMap<String, String> = BTreeMap::new();
    let mut boolean_of: BTreeMap<String, bool> = BTreeMap::new();
    for (i, f) in features.iter().enumerate() {
        let name = s(f, "name");
        key_of.insert(name.to_owned(), cx.flag_key(name, &format!("/features/{i}/name")));
        boolean_of.insert(name.to_owned(), variants_of(root, f, name).is_empty());
    }

    for (i, f) in features.iter().enumerate() {
        let at = format!("/features/{i}");
        let name = s(f, "name");
        let key = key_of.get(name).cloned().unwrap_or_else(|| slug(name));
        for (flag, why) in [
            ("impressionData", "Vexil has no impression events; dropped"),
            ("stale", "Vexil computes staleness from evaluations; dropped"),
        ] {
            if f.get(flag).and_then(Value::as_bool) == Some(true) {
                cx.skip(format!("{at}/{flag}"), flag, why);
            }
        }
        let all_variants = variants_of(root, f, name);
        let (kind, variants, on, off) = if all_variants.is_empty() {
            (
                KindDoc::Boolean,
                vec![variant("on", json!(true)), variant("off", json!(false))],
                "on".to_owned(),
                "off".to_owned(),
            )
        } else {
            let string = all_variants.iter().all(|(_, v)| v.is_string());
            let mut docs: Vec<VariantDoc> = all_variants.iter().map(|(k, v)| variant(k, v.clone())).collect();
            let off = if docs.iter().any(|d| d.key == "disabled") {
                "disabled-".to_owned()
            } else {
                "disabled".to_owned()
            };
            docs.push(variant(&off, if string { json!("") } else { Value::Null }));
            cx.skip(
                &at,
                "variants",
                format!("Unleash answers isEnabled and getVariant separately; Vexil serves one value: a {} flag whose {off:?} variant is served when the feature is off for a context", if string { "string" } else { "JSON" }),
            );
            (if string { KindDoc::String } else { KindDoc::Json }, docs, String::new(), off)
        };

        let mut environments = BTreeMap::new();
        let mut env_names: BTreeSet<String> = BTreeSet::new();
        for e in arr(root, "featureEnvironments").iter().filter(|e| feature_of(e) == name) {
            env_names.insert(env_name(e, cx));
        }
        for st in arr(root, "featureStrategies").iter().filter(|st| s(st, "featureName") == name) {
            env_names.insert(env_name(st, cx));
        }
        for env in env_names {
            let fe = arr(root, "featureEnvironments")
                .iter()
                .find(|e| feature_of(e) == name && env_name(e, cx) == env);
            let enabled = fe.and_then(|e| e.get("enabled")).and_then(Value::as_bool).unwrap_or(false);
            let env_variants = fe.map(|e| uvariants(arr(e, "variants"))).filter(|v| !v.is_empty());
            let legacy_variants = Some(uvariants(arr(f, "variants"))).filter(|v| !v.is_empty());
            let env_variants = env_variants.or(legacy_variants);
            let serve_on = |cx: &mut Cx,
                            at: &str,
                            percent: f64,
                            own: Option<Vec<UVariant>>,
                            by: Option<String>|
             -> ServeDoc {
                let mut parts: Vec<(String, f64)> = Vec::new();
                match own.or_else(|| {
                    env_variants.as_ref().map(|v| {
                        v.iter()
                            .map(|u| UVariant {
                                key: u.key.clone(),
                                weight: u.weight,
                                value: u.value.clone(),
                            })
                            .collect()
                    })
                }) {
                    Some(vs) if kind != KindDoc::Boolean => {
                        let total: f64 = vs.iter().map(|v| v.weight).sum::<f64>().max(1.0);
                        for v in vs {
                            parts.push((v.key, percent * v.weight / total));
                        }
                    }
                    _ => parts.push((on.clone(), percent)),
                }
                if percent < 100.0 {
                    parts.push((off.clone(), 100.0 - percent));
                }
                parts.retain(|(_, p)| *p > 0.0);
                match parts.as_slice() {
                    [(v, _)] => ServeDoc::Variant(v.clone()),
                    _ => {
                        cx.rebucketed(at, REBUCKET);
                        ServeDoc::Rollout(RolloutDoc { bucket_by: by, weights: scale(&parts, 100.0) })
                    }
                }
            };
            let env_key = cx.env(&env, &at);
            let mut strategies: Vec<(usize, &Value)> = arr(root, "featureStrategies")
                .iter()
                .enumerate()
                .filter(|(_, st)| s(st, "featureName") == name && env_name(st, cx) == env)
                .collect();
            strategies.sort_by_key(|(_, st)| st.get("sortOrder").and_then(Value::as_i64).unwrap_or(0));
            let mut rules = Vec::new();
            let mut targets = Vec::new();
            if let Some(fe) = fe {
                for (j, v) in arr(fe, "variants").iter().enumerate() {
                    for (k, o) in arr(v, "overrides").iter().enumerate() {
                        let oat = format!("/featureEnvironments/{env}/variants/{j}/overrides/{k}");
                        if s(o, "contextName") == "userId" {
                            let keys = arr(o, "values")
                                .iter()
                                .filter_map(Value::as_str)
                                .map(str::to_owned)
                                .collect();
                            targets.push(TargetDoc { variant: slug(s(v, "name")), keys });
                        } else {
                            cx.skip(
                                oat,
                                format!("override on {}", s(o, "contextName")),
                                "Vexil targets context keys only; dropped",
                            );
                        }
                    }
                }
            }
            for (j, st) in &strategies {
                let sat = format!("/featureStrategies/{j}");
                if st.get("disabled").and_then(Value::as_bool) == Some(true) {
                    cx.skip(
                        &sat,
                        format!("strategy {} (disabled)", strategy_name(st)),
                        "a disabled strategy never matches; dropped",
                    );
                    continue;
                }
                let Some(mut conditions) =
                    constraints(arr(st, "constraints"), &format!("{sat}/constraints"), cx)
                else {
                    cx.skip(
                        &sat,
                        format!("strategy {}", strategy_name(st)),
                        "a constraint did not map; the strategy is dropped (fewer contexts get the feature)",
                    );
                    continue;
                };
                for id in arr(st, "segments").iter().filter_map(Value::as_i64) {
                    match segment_keys.get(&id) {
                        Some(k) => conditions.push(ConditionDoc {
                            attribute: String::new(),
                            op: OpDoc::InSegment,
                            values: vec![json!(k)],
                            negate: false,
                        }),
                        None => cx.skip(
                            &sat,
                            format!("segment {id}"),
                            "not in the export's segments; the condition is dropped",
                        ),
                    }
                }
                let params = st.get("parameters").cloned().unwrap_or(Value::Null);
                let percent = |k: &str| -> f64 {
                    match params.get(k) {
                        Some(Value::String(p)) => p.trim().parse().unwrap_or(100.0),
                        Some(Value::Number(n)) => n.as_f64().unwrap_or(100.0),
                        _ => 100.0,
                    }
                };
                let own = Some(uvariants(arr(st, "variants"))).filter(|v| !v.is_empty());
                let list = |k: &str| -> Vec<Value> {
                    s(&params, k)
                        .split(',')
                        .map(str::trim)
                        .filter(|x| !x.is_empty())
                        .map(|x| json!(x))
                        .collect()
                };
                let serve = match strategy_name(st) {
                    "default" => serve_on(cx, &sat, 100.0, own, None),
                    "flexibleRollout" => {
                        let by = match s(&params, "stickiness") {
                            "" | "default" | "userId" => None,
                            "random" => {
                                cx.skip(
                                    &sat,
                                    "random stickiness",
                                    "Vexil rollouts are sticky; bucketed by the context key",
                                );
                                None
                            }
                            other => Some(other.to_owned()),
                        };
                        serve_on(cx, &sat, percent("rollout"), own, by)
                    }
                    "gradualRolloutUserId" => serve_on(cx, &sat, percent("percentage"), own, None),
                    "gradualRolloutSessionId" => {
                        serve_on(cx, &sat, percent("percentage"), own, Some("sessionId".to_owned()))
                    }
                    "gradualRolloutRandom" => {
                        cx.skip(
                            &sat,
                            "gradualRolloutRandom",
                            "Vexil rollouts are sticky; bucketed by the context key",
                        );
                        serve_on(cx, &sat, percent("percentage"), own, None)
                    }
                    "userWithId" => {
                        conditions.push(ConditionDoc {
                            attribute: "key".to_owned(),
                            op: OpDoc::In,
                            values: list("userIds"),
                            negate: false,
                        });
                        serve_on(cx, &sat, 100.0, own, None)
                    }
                    "remoteAddress" => {
                        let ips = list("IPs");
                        if ips.iter().filter_map(Value::as_str).any(|ip| ip.contains('/')) {
                            cx.skip(
                                &sat,
                                "CIDR ranges",
                                "Vexil compares addresses as strings: ranges match only themselves",
                            );
                        }
                        conditions.push(ConditionDoc {
                            attribute: "remoteAddress".to_owned(),
                            op: OpDoc::In,
                            values: ips,
                            negate: false,
                        });
                        serve_on(cx, &sat, 100.0, own, None)
                    }
                    "applicationHostname" => {
                        conditions.push(ConditionDoc {
                            attribute: "hostname".to_owned(),
                            op: OpDoc::In,
                            values: list("hostNames"),
                            negate: false,
                        });
                        serve_on(cx, &sat, 100.0, own, None)
                    }
                    other => {
                        cx.skip(
                            &sat,
                            format!("strategy {other}"),
                            "a custom strategy has no Vexil counterpart; dropped",
                        );
                        continue;
                    }
                };
                rules.push(RuleDoc {
                    id: format!("s{}", rules.len() + 1),
                    description: s(st, "title").to_owned(),
                    conditions,
                    serve,
                });
            }
            let default = if strategies.is_empty() && enabled {
                serve_on(cx, &at, 100.0, None, None)
            } else {
                ServeDoc::Variant(off.clone())
            };
            let mut prerequisites = Vec::new();
            for (k, d) in deps.get(name).into_iter().flatten().enumerate() {
                let dat = format!("/dependencies/{name}/{k}");
                let parent = s(d, "feature");
                let (Some(pkey), Some(pbool)) = (key_of.get(parent), boolean_of.get(parent)) else {
                    cx.skip(
                        dat,
                        format!("dependency on {parent}"),
                        "that feature is not in the export; dropped",
                    );
                    continue;
                };
                let wanted: Vec<&str> = arr(d, "variants").iter().filter_map(Value::as_str).collect();
                let variant = match (
                    d.get("enabled").and_then(Value::as_bool).unwrap_or(true),
                    wanted.as_slice(),
                    *pbool,
                ) {
                    (true, [], true) => "on".to_owned(),
                    (false, [], true) => {
                        cx.skip(
                            &dat,
                            format!("dependency on {parent} disabled"),
                            "mapped as: it serves off (also when on but not matched)",
                        );
                        "off".to_owned()
                    }
                    (true, [one], false) => slug(one),
                    _ => {
                        cx.skip(dat, format!("dependency on {parent}"), "only 'enabled' on a boolean feature or one variant maps onto a prerequisite; dropped");
                        continue;
                    }
                };
                prerequisites.push(PrerequisiteDoc { flag: pkey.clone(), variant });
            }
            environments.insert(
                env_key,
                ConfigDoc {
                    enabled,
                    off_variant: off.clone(),
                    targets: targets.clone(),
                    rules,
                    default,
                    prerequisites,
                },
            );
        }
        let lifecycle = match s(f, "type") {
            "operational" | "kill-switch" | "permission" => LifecycleDoc::Permanent,
            _ => LifecycleDoc::Temporary,
        };
        cx.doc.flags.push(FlagDoc {
            key,
            name: String::new(),
            description: s(f, "description").to_owned(),
            kind,
            variants,
            tags: tags.remove(name).unwrap_or_default(),
            lifecycle,
            client_visible: false,
            owner: String::new(),
            links: Vec::new(),
            properties: BTreeMap::new(),
            archived: f.get("archived").and_then(Value::as_bool).unwrap_or(false),
            environments,
        });
    }
    Ok(())
}

fn variant(key: &str, value: Value) -> VariantDoc {
    VariantDoc { key: key.to_owned(), value, name: String::new(), description: String::new() }
}

/// A strategy's name: `strategyName` in some of Unleash's exports, `name` in others
/// (both, where they agree); the first that is not empty.
fn strategy_name(st: &Value) -> &str {
    match s(st, "strategyName") {
        "" => match s(st, "name") {
            "" => "(no name)",
            n => n,
        },
        n => n,
    }
}

fn feature_of(e: &Value) -> &str {
    let f = s(e, "featureName");
    if f.is_empty() { s(e, "name") } else { f }
}

fn env_name(e: &Value, cx: &Cx) -> String {
    let n = s(e, "environment");
    if n.is_empty() { cx.default_env.clone() } else { n.to_owned() }
}

/// Every variant any environment or strategy of the feature defines: key and value.
fn variants_of(root: &Value, f: &Value, name: &str) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut add = |list: &[Value]| {
        for u in uvariants(list) {
            if !out.iter().any(|(k, _)| *k == u.key) {
                out.push((u.key, u.value));
            }
        }
    };
    add(arr(f, "variants"));
    for e in arr(root, "featureEnvironments").iter().filter(|e| feature_of(e) == name) {
        add(arr(e, "variants"));
    }
    for st in arr(root, "featureStrategies").iter().filter(|st| s(st, "featureName") == name) {
        add(arr(st, "variants"));
    }
    out
}

fn uvariants(list: &[Value]) -> Vec<UVariant> {
    list.iter()
        .map(|v| {
            let payload = v.get("payload");
            let value = match (payload.map(|p| s(p, "type")), payload.and_then(|p| p.get("value"))) {
                (Some("json"), Some(Value::String(text))) => {
                    serde_json::from_str(text).unwrap_or_else(|_| json!(text))
                }
                (Some("number"), Some(Value::String(text))) => text
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
                    .unwrap_or_else(|| json!(text)),
                (_, Some(v)) => v.clone(),
                _ => json!(s(v, "name")),
            };
            UVariant {
                key: slug(s(v, "name")),
                weight: v.get("weight").and_then(Value::as_f64).unwrap_or(0.0),
                value,
            }
        })
        .collect()
}

/// Unleash constraints (all must hold) as conditions; `None` when one does not map.
fn constraints(list: &[Value], at: &str, cx: &mut Cx) -> Option<Vec<ConditionDoc>> {
    let mut out = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let cat = format!("{at}/{i}");
        let context = s(c, "contextName");
        if context == "currentTime" {
            cx.skip(
                cat,
                "constraint on currentTime",
                "Vexil contexts carry no clock; use a scheduled change instead",
            );
            return None;
        }
        let attribute = if context == "userId" { "key".to_owned() } else { context.to_owned() };
        let mut values: Vec<Value> = arr(c, "values").to_vec();
        if let Some(v) = c.get("value").filter(|v| !v.is_null()) {
            values.push(v.clone());
        }
        let number = |v: &Value| match v {
            Value::String(t) => {
                t.trim().parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number)
            }
            Value::Number(_) => Some(v.clone()),
            _ => None,
        };
        let op_name = s(c, "operator");
        let (op, negate, numeric) = match op_name {
            "IN" => (OpDoc::In, false, false),
            "NOT_IN" => (OpDoc::In, true, false),
            "STR_CONTAINS" => (OpDoc::Contains, false, false),
            "STR_STARTS_WITH" => (OpDoc::StartsWith, false, false),
            "STR_ENDS_WITH" => (OpDoc::EndsWith, false, false),
            "NUM_EQ" => (OpDoc::In, false, true),
            "NUM_GT" => (OpDoc::Gt, false, true),
            "NUM_GTE" => (OpDoc::Gte, false, true),
            "NUM_LT" => (OpDoc::Lt, false, true),
            "NUM_LTE" => (OpDoc::Lte, false, true),
            "DATE_AFTER" => (OpDoc::After, false, false),
            "DATE_BEFORE" => (OpDoc::Before, false, false),
            "SEMVER_EQ" => (OpDoc::SemverEq, false, false),
            "SEMVER_GT" => (OpDoc::SemverGt, false, false),
            "SEMVER_LT" => (OpDoc::SemverLt, false, false),
            other => {
                cx.skip(cat, format!("operator {other}"), "no Vexil counterpart");
                return None;
            }
        };
        if numeric {
            match values.iter().map(number).collect::<Option<Vec<_>>>() {
                Some(n) => values = n,
                None => {
                    cx.skip(cat, format!("{op_name} on {context}"), "a value is not a number");
                    return None;
                }
            }
        }
        let inverted = c.get("inverted").and_then(Value::as_bool).unwrap_or(false);
        if negate != inverted {
            cx.skip(&cat, format!("negated constraint on {context}"), "a context without the attribute matches in Unleash, not in Vexil (negation applies only to present attributes)");
        }
        if c.get("caseInsensitive").and_then(Value::as_bool) == Some(true) {
            cx.skip(
                &cat,
                format!("case-insensitive {op_name} on {context}"),
                "Vexil compares strings exactly; mapped case-sensitively",
            );
        }
        out.push(ConditionDoc { attribute, op, values, negate: negate != inverted });
    }
    Some(out)
}
