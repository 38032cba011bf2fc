//! Flipt's declarative `features.yml` (versions 1.0 to 1.4: `namespace`, `flags` with
//! `variants`, `rules` and `distributions` or boolean `rollouts`, `segments` with
//! `constraints` and `match_type`).
//!
//! Flipt has no environments: a namespace maps onto the Vexil project and every
//! configuration goes into one environment (`--environment`). A variant flag that
//! matches nothing answers "no variant" in Flipt; Vexil always serves a variant, so a
//! variant `none` (value `""`) is added where that can happen.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Cx, arr, s, scale, slug};
use crate::ascode::document::{
    ConditionDoc, ConfigDoc, FlagDoc, KindDoc, LifecycleDoc, OpDoc, RolloutDoc, RuleDoc, SegmentDoc,
    SegmentRuleDoc, ServeDoc, VariantDoc, WeightDoc,
};

const REBUCKET: &str = "Flipt buckets by CRC-32 of the entity id followed by the flag key (modulo 1000 for distributions, 100 for thresholds); Vexil by MurmurHash3 of salt and key";

pub(super) fn convert(root: &Value, cx: &mut Cx) -> Result<(), String> {
    if root.get("flags").is_none() && root.get("segments").is_none() {
        return Err("no \"flags\" or \"segments\": not a Flipt features file".to_owned());
    }
    match root.get("namespace") {
        Some(Value::String(n)) if n != "default" => cx.skip(
            "/namespace",
            format!("namespace {n}"),
            "a Flipt namespace maps onto the Vexil project named by --project",
        ),
        Some(Value::Object(o)) if o.get("key").and_then(Value::as_str) != Some("default") => cx.skip(
            "/namespace",
            format!("namespace {}", s(&Value::Object(o.clone()), "key")),
            "a Flipt namespace maps onto the Vexil project named by --project",
        ),
        _ => {}
    }
    let env = cx.default_env.clone();
    let env = cx.env(&env, "/");
    let mut typed_note = false;
    for (i, seg) in arr(root, "segments").iter().enumerate() {
        let at = format!("/segments/{i}");
        let key = slug(s(seg, "key"));
        let any = s(seg, "match_type") == "ANY_MATCH_TYPE";
        let mut conds = Vec::new();
        let mut failed = false;
        for (j, c) in arr(seg, "constraints").iter().enumerate() {
            typed_note |= matches!(s(c, "type"), "NUMBER_COMPARISON_TYPE" | "BOOLEAN_COMPARISON_TYPE");
            match constraint(c) {
                Ok(cond) => conds.push(cond),
                Err(why) => {
                    failed = true;
                    let effect = if any {
                        "this alternative is dropped (the segment narrows)"
                    } else {
                        "the segment's rule is dropped (it matches nobody but its keys)"
                    };
                    cx.skip(
                        format!("{at}/constraints/{j}"),
                        format!("constraint {} {} {}", s(c, "property"), s(c, "operator"), s(c, "value")),
                        format!("{why}; {effect}"),
                    );
                }
            }
        }
        let rules = if any {
            if arr(seg, "constraints").is_empty() {
                vec![SegmentRuleDoc { id: String::new(), conditions: vec![] }]
            } else {
                conds.into_iter().map(|c| SegmentRuleDoc { id: String::new(), conditions: vec![c] }).collect()
            }
        } else if failed {
            Vec::new()
        } else {
            vec![SegmentRuleDoc { id: String::new(), conditions: conds }]
        };
        cx.doc.segments.push(SegmentDoc {
            key,
            name: s(seg, "name").to_owned(),
            description: s(seg, "description").to_owned(),
            included: Vec::new(),
            excluded: Vec::new(),
            rules,
        });
    }
    if typed_note {
        cx.skip(
            "/segments",
            "number and boolean constraints",
            "Flipt's context values are strings; Vexil compares numbers and booleans only when the context carries them as such",
        );
    }
    for (i, f) in arr(root, "flags").iter().enumerate() {
        let at = format!("/flags/{i}");
        let key = cx.flag_key(s(f, "key"), &format!("{at}/key"));
        let boolean = s(f, "type") == "BOOLEAN_FLAG_TYPE";
        let enabled = f.get("enabled").and_then(Value::as_bool).unwrap_or(false);
        let (variants, config, kind) =
            if boolean { boolean_flag(f, &at, enabled, cx) } else { variant_flag(f, &at, enabled, cx) };
        let mut properties = BTreeMap::new();
        if let Some(m) = f.get("metadata").and_then(Value::as_object) {
            for (k, v) in m {
                properties.insert(k.clone(), v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()));
            }
        }
        cx.doc.flags.push(FlagDoc {
            key,
            name: s(f, "name").to_owned(),
            description: s(f, "description").to_owned(),
            kind,
            variants,
            tags: Vec::new(),
            lifecycle: LifecycleDoc::Temporary,
            client_visible: false,
            owner: String::new(),
            links: Vec::new(),
            properties,
            archived: false,
            environments: [(env.clone(), config)].into_iter().collect(),
        });
    }
    Ok(())
}

/// A segment reference (`segment: key`, `segment: {keys, operator}`, or the older
/// `segments` + `operator`) as conditions: OR is one `in_segment` over all keys, AND
/// one `in_segment` per key.
fn segment_conditions(r: &Value) -> Vec<ConditionDoc> {
    let (keys, and): (Vec<String>, bool) = match r.get("segment") {
        Some(Value::String(k)) => (vec![slug(k)], false),
        Some(o @ Value::Object(_)) => {
            let mut keys: Vec<String> = arr(o, "keys").iter().filter_map(Value::as_str).map(slug).collect();
            if keys.is_empty() && !s(o, "key").is_empty() {
                keys.push(slug(s(o, "key")));
            }
            (keys, s(o, "operator") == "AND_SEGMENT_OPERATOR")
        }
        _ => (
            arr(r, "segments").iter().filter_map(Value::as_str).map(slug).collect(),
            s(r, "operator") == "AND_SEGMENT_OPERATOR",
        ),
    };
    let cond = |values: Vec<Value>| ConditionDoc {
        attribute: String::new(),
        op: OpDoc::InSegment,
        values,
        negate: false,
    };
    if and {
        keys.into_iter().map(|k| cond(vec![json!(k)])).collect()
    } else if keys.is_empty() {
        Vec::new()
    } else {
        vec![cond(keys.into_iter().map(Value::String).collect())]
    }
}

fn variant_flag(f: &Value, at: &str, enabled: bool, cx: &mut Cx) -> (Vec<VariantDoc>, ConfigDoc, KindDoc) {
    let mut variants: Vec<VariantDoc> = Vec::new();
    let mut default = None;
    for (j, v) in arr(f, "variants").iter().enumerate() {
        let key = slug(s(v, "key"));
        if v.get("attachment").is_some_and(|a| !a.is_null()) {
            cx.skip(
                format!("{at}/variants/{j}/attachment"),
                format!("attachment of variant {key}"),
                "Vexil serves one value per variant: the value is the variant key (as Flipt's variantKey); the attachment is dropped",
            );
        }
        if v.get("default").and_then(Value::as_bool) == Some(true) {
            default = Some(key.clone());
        }
        variants.push(VariantDoc {
            value: json!(s(v, "key")),
            key,
            name: s(v, "name").to_owned(),
            description: s(v, "description").to_owned(),
        });
    }
    let none_key = if variants.iter().any(|v| v.key == "none") { "no-match" } else { "none" }.to_owned();
    let mut need_none = default.is_none();
    let fallback = default.clone().unwrap_or_else(|| none_key.clone());
    let mut rules_src: Vec<&Value> = arr(f, "rules").iter().collect();
    rules_src.sort_by_key(|r| r.get("rank").and_then(Value::as_u64).unwrap_or(u64::MAX));
    let mut rules = Vec::new();
    for (j, r) in rules_src.iter().enumerate() {
        let rat = format!("{at}/rules/{j}");
        let conditions = segment_conditions(r);
        let dist: Vec<(String, f64)> = arr(r, "distributions")
            .iter()
            .map(|d| (slug(s(d, "variant")), d.get("rollout").and_then(Value::as_f64).unwrap_or(0.0)))
            .filter(|(_, p)| *p > 0.0)
            .collect();
        let total: f64 = dist.iter().map(|(_, p)| p).sum();
        let serve = match dist.as_slice() {
            [] => {
                need_none = true;
                cx.skip(
                    &rat,
                    "rule without distributions",
                    format!("Flipt answers a match without a variant; Vexil serves {none_key:?}"),
                );
                ServeDoc::Variant(none_key.clone())
            }
            [(v, p)] if *p >= 100.0 => ServeDoc::Variant(v.clone()),
            _ => {
                let mut parts = dist.clone();
                if total < 100.0 {
                    need_none = true;
                    parts.push((none_key.clone(), 100.0 - total));
                    cx.skip(
                        &rat,
                        "distributions under 100 %",
                        format!("Flipt answers the rest with no variant; Vexil serves {none_key:?} to them"),
                    );
                }
                cx.rebucketed(&rat, REBUCKET);
                ServeDoc::Rollout(RolloutDoc { bucket_by: None, weights: scale(&parts, total.max(100.0)) })
            }
        };
        rules.push(RuleDoc { id: format!("r{}", j + 1), description: String::new(), conditions, serve });
    }
    if !enabled {
        cx.skip(
            format!("{at}/enabled"),
            "disabled flag",
            format!(
                "Flipt answers a disabled flag with no variant; Vexil serves {fallback:?} while it is off"
            ),
        );
    }
    if need_none {
        variants.push(VariantDoc {
            key: none_key.clone(),
            value: json!(""),
            name: "no match".to_owned(),
            description: "Flipt's 'no variant'".to_owned(),
        });
    }
    let config = ConfigDoc {
        enabled,
        off_variant: fallback.clone(),
        targets: Vec::new(),
        rules,
        default: ServeDoc::Variant(fallback),
        prerequisites: Vec::new(),
    };
    (variants, config, KindDoc::String)
}

fn boolean_flag(f: &Value, at: &str, enabled: bool, cx: &mut Cx) -> (Vec<VariantDoc>, ConfigDoc, KindDoc) {
    let variants = vec![
        VariantDoc {
            key: "on".to_owned(),
            value: json!(true),
            name: String::new(),
            description: String::new(),
        },
        VariantDoc {
            key: "off".to_owned(),
            value: json!(false),
            name: String::new(),
            description: String::new(),
        },
    ];
    let word = |b: bool| if b { "on" } else { "off" }.to_owned();
    let rollouts = arr(f, "rollouts");
    let mut rules = Vec::new();
    for (j, r) in rollouts.iter().enumerate() {
        let rat = format!("{at}/rollouts/{j}");
        if let Some(t) = r.get("threshold") {
            let value = t.get("value").and_then(Value::as_bool).unwrap_or(true);
            let p = t.get("percentage").and_then(Value::as_f64).unwrap_or(0.0).clamp(0.0, 100.0);
            if j + 1 < rollouts.len() {
                cx.skip(
                    &rat,
                    "threshold before other rollouts",
                    "in Flipt the contexts outside the threshold go on to later rollouts; in Vexil they get the flag's default value here",
                );
            }
            let parts = vec![(word(value), p), (word(enabled), 100.0 - p)];
            let weights: Vec<WeightDoc> = scale(&parts, 100.0).into_iter().filter(|w| w.weight > 0).collect();
            let serve = match weights.as_slice() {
                [one] => ServeDoc::Variant(one.variant.clone()),
                _ => {
                    cx.rebucketed(&rat, REBUCKET);
                    ServeDoc::Rollout(RolloutDoc { bucket_by: None, weights })
                }
            };
            rules.push(RuleDoc {
                id: format!("r{}", j + 1),
                description: s(r, "description").to_owned(),
                conditions: vec![],
                serve,
            });
        } else if let Some(seg) = r.get("segment") {
            let value = seg.get("value").and_then(Value::as_bool).unwrap_or(true);
            rules.push(RuleDoc {
                id: format!("r{}", j + 1),
                description: s(r, "description").to_owned(),
                conditions: segment_conditions(r),
                serve: ServeDoc::Variant(word(value)),
            });
        } else {
            cx.skip(&rat, "rollout", "neither a threshold nor a segment; dropped");
        }
    }
    // Flipt's `enabled` on a boolean flag is its default value, not a switch:
    // rollouts are evaluated either way.
    let config = ConfigDoc {
        enabled: true,
        off_variant: "off".to_owned(),
        targets: Vec::new(),
        rules,
        default: ServeDoc::Variant(word(enabled)),
        prerequisites: Vec::new(),
    };
    (variants, config, KindDoc::Boolean)
}

fn constraint(c: &Value) -> Result<ConditionDoc, String> {
    let ty = s(c, "type");
    let attribute =
        if ty == "ENTITY_ID_COMPARISON_TYPE" { "key".to_owned() } else { s(c, "property").to_owned() };
    let raw = s(c, "value");
    let value = |ty: &str| -> Result<Value, String> {
        match ty {
            "NUMBER_COMPARISON_TYPE" => raw
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| format!("{raw:?} is not a number")),
            _ => Ok(json!(raw)),
        }
    };
    let list = || -> Result<Vec<Value>, String> {
        let parsed: Vec<Value> =
            serde_json::from_str(raw).map_err(|_| format!("{raw:?} is not a JSON list"))?;
        Ok(parsed)
    };
    let mk = |op: OpDoc, values: Vec<Value>, negate: bool| {
        Ok(ConditionDoc { attribute: attribute.clone(), op, values, negate })
    };
    match (ty, s(c, "operator")) {
        ("BOOLEAN_COMPARISON_TYPE", "true") => mk(OpDoc::In, vec![json!(true)], false),
        ("BOOLEAN_COMPARISON_TYPE", "false") => mk(OpDoc::In, vec![json!(false)], false),
        ("DATETIME_COMPARISON_TYPE", "lt") => mk(OpDoc::Before, vec![json!(raw)], false),
        ("DATETIME_COMPARISON_TYPE", "gt") => mk(OpDoc::After, vec![json!(raw)], false),
        ("DATETIME_COMPARISON_TYPE", op) if op != "present" => {
            Err(format!("date operator {op:?}: Vexil has only before and after"))
        }
        (_, "eq") => mk(OpDoc::In, vec![value(ty)?], false),
        (_, "neq") => mk(OpDoc::In, vec![value(ty)?], true),
        (_, "empty") => mk(OpDoc::In, vec![json!("")], false),
        (_, "notempty") => mk(OpDoc::In, vec![json!("")], true),
        (_, "prefix") => mk(OpDoc::StartsWith, vec![json!(raw)], false),
        (_, "suffix") => mk(OpDoc::EndsWith, vec![json!(raw)], false),
        (_, "contains") => mk(OpDoc::Contains, vec![json!(raw)], false),
        (_, "isoneof") => mk(OpDoc::In, list()?, false),
        (_, "isnotoneof") => mk(OpDoc::In, list()?, true),
        (_, "lt") => mk(OpDoc::Lt, vec![value(ty)?], false),
        (_, "lte") => mk(OpDoc::Lte, vec![value(ty)?], false),
        (_, "gt") => mk(OpDoc::Gt, vec![value(ty)?], false),
        (_, "gte") => mk(OpDoc::Gte, vec![value(ty)?], false),
        (_, "present") => mk(OpDoc::Exists, vec![], false),
        (_, "notpresent") => Err("notpresent: Vexil's negate never holds for a missing attribute".to_owned()),
        (_, op) => Err(format!("operator {op:?} has no Vexil counterpart")),
    }
}
