//! flagd flag definitions (`{"flags": {key: {state, variants, defaultVariant,
//! targeting, metadata}}, "$evaluators": {...}}`, schema
//! `https://flagd.dev/schema/v0/flags.json`).
//!
//! Targeting is JsonLogic. What maps: a top-level `if` chain whose conditions are
//! `and`/`or`/`!` over `==`, `!=`, `in` (substring or list), `starts_with`,
//! `ends_with`, `<`, `<=`, `>`, `>=` and `sem_ver`, on `var`s; results that are variant
//! names or `fractional` splits; `$ref` to shared evaluators. Anything else in a
//! branch drops that branch (contexts it matched fall through to later ones) and is
//! reported.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Cx, s, scale, slugs};
use crate::ascode::document::{
    ConditionDoc, ConfigDoc, FlagDoc, KindDoc, LifecycleDoc, OpDoc, RolloutDoc, RuleDoc, ServeDoc, VariantDoc,
};

const REBUCKET: &str = "flagd hashes the bare bucketing value (by default the flag key followed by the targeting key) \
     where Vexil hashes salt + \":\" + value; the reductions agree ((h x total) >> 32 is Vexil's bucket scaled), \
     only the hash input differs";

pub(super) fn convert(root: &Value, cx: &mut Cx) -> Result<(), String> {
    let flags = root
        .get("flags")
        .and_then(Value::as_object)
        .ok_or("no \"flags\" object: not a flagd flag definition file")?;
    let evaluators = root.get("$evaluators").cloned().unwrap_or(Value::Null);
    if root.get("metadata").is_some() {
        cx.skip("/metadata", "file metadata", "Vexil projects carry no free metadata; dropped");
    }
    let env = cx.default_env.clone();
    let env = cx.env(&env, "/");
    for (source_key, f) in flags {
        let at = format!("/flags/{source_key}");
        let key = cx.flag_key(source_key, &at);
        let Some(variants) = f.get("variants").and_then(Value::as_object) else {
            cx.skip(&at, format!("flag {source_key}"), "no variants object; flag skipped");
            continue;
        };
        let names: Vec<&str> = variants.keys().map(String::as_str).collect();
        let keys = slugs(names.iter().copied());
        let by_name: BTreeMap<&str, String> = names.iter().copied().zip(keys.iter().cloned()).collect();
        let kind = kind_of(variants.values());
        let variant_docs: Vec<VariantDoc> = variants
            .iter()
            .zip(&keys)
            .map(|((name, value), k)| VariantDoc {
                key: k.clone(),
                value: value.clone(),
                name: if name == k { String::new() } else { name.clone() },
                description: String::new(),
            })
            .collect();
        if variant_docs.is_empty() {
            cx.skip(&at, format!("flag {source_key}"), "no variants; flag skipped");
            continue;
        }
        let default_variant = match f
            .get("defaultVariant")
            .and_then(Value::as_str)
            .and_then(|d| by_name.get(d))
        {
            Some(k) => k.clone(),
            None => {
                cx.skip(
                    format!("{at}/defaultVariant"),
                    "defaultVariant",
                    format!(
                        "missing or null (flagd then answers with the caller's default); Vexil needs a variant: {:?} is served",
                        variant_docs[0].key
                    ),
                );
                variant_docs[0].key.clone()
            }
        };
        let enabled = s(f, "state") != "DISABLED";
        if !enabled {
            cx.skip(
                format!("{at}/state"),
                "state DISABLED",
                "flagd answers a disabled flag with an error (the caller's default); Vexil serves the off variant, set to defaultVariant",
            );
        }
        let mut config = ConfigDoc {
            enabled,
            off_variant: default_variant.clone(),
            targets: Vec::new(),
            rules: Vec::new(),
            default: ServeDoc::Variant(default_variant),
            prerequisites: Vec::new(),
        };
        if let Some(t) = f.get("targeting").filter(|t| !t.as_object().is_some_and(|o| o.is_empty())) {
            let t = resolve(t, &evaluators);
            targeting(&t, &format!("{at}/targeting"), &by_name, &mut config, cx);
        }
        let mut properties = BTreeMap::new();
        if let Some(m) = f.get("metadata").and_then(Value::as_object) {
            for (k, v) in m {
                properties.insert(k.clone(), v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()));
            }
        }
        cx.doc.flags.push(FlagDoc {
            key,
            name: String::new(),
            description: String::new(),
            kind,
            variants: variant_docs,
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

/// The Vexil kind that admits every value.
pub(super) fn kind_of<'a>(values: impl Iterator<Item = &'a Value> + Clone) -> KindDoc {
    if values.clone().all(Value::is_boolean) {
        KindDoc::Boolean
    } else if values.clone().all(Value::is_string) {
        KindDoc::String
    } else if values.clone().all(Value::is_number) {
        KindDoc::Number
    } else {
        KindDoc::Json
    }
}

/// Replaces `{"$ref": name}` by the shared evaluator, recursively (depth-bounded).
fn resolve(v: &Value, evaluators: &Value) -> Value {
    fn go(v: &Value, ev: &Value, depth: u32) -> Value {
        if depth > 16 {
            return v.clone();
        }
        match v {
            Value::Object(o) if o.len() == 1 && o.contains_key("$ref") => {
                match o.get("$ref").and_then(Value::as_str).and_then(|r| ev.get(r)) {
                    Some(t) => go(t, ev, depth + 1),
                    None => v.clone(),
                }
            }
            Value::Object(o) => {
                Value::Object(o.iter().map(|(k, x)| (k.clone(), go(x, ev, depth + 1))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| go(x, ev, depth + 1)).collect()),
            _ => v.clone(),
        }
    }
    go(v, evaluators, 0)
}

fn targeting(t: &Value, at: &str, names: &BTreeMap<&str, String>, config: &mut ConfigDoc, cx: &mut Cx) {
    if let Some(branches) = t.get("if").and_then(Value::as_array) {
        let mut i = 0;
        while i + 1 < branches.len() {
            let bat = format!("{at}/if/{i}");
            let serve = result(&branches[i + 1], &format!("{at}/if/{}", i + 1), names, cx);
            match (condition(&branches[i]), serve) {
                (Ok(alternatives), Some(serve)) => {
                    for conditions in alternatives {
                        config.rules.push(RuleDoc {
                            id: format!("r{}", config.rules.len() + 1),
                            description: String::new(),
                            conditions,
                            serve: serve.clone(),
                        });
                    }
                }
                (Err(why), _) => cx.skip(
                    bat,
                    format!("condition {}", branches[i]),
                    format!("{why}; this branch is dropped, contexts it matched fall through"),
                ),
                (Ok(_), None) => {}
            }
            i += 2;
        }
        if branches.len() % 2 == 1 {
            let last = branches.len() - 1;
            if let Some(serve) = result(&branches[last], &format!("{at}/if/{last}"), names, cx) {
                config.default = serve;
            }
        }
    } else if let Some(serve) = result(t, at, names, cx) {
        config.default = serve;
    }
}

/// What a targeting result serves: a variant name or a fractional split.
fn result(v: &Value, at: &str, names: &BTreeMap<&str, String>, cx: &mut Cx) -> Option<ServeDoc> {
    if let Some(name) = v.as_str() {
        return match names.get(name) {
            Some(k) => Some(ServeDoc::Variant(k.clone())),
            None => {
                cx.skip(at, format!("result {name:?}"), "names no variant of the flag; branch dropped");
                None
            }
        };
    }
    if v.is_null() {
        cx.skip(
            at,
            "result null",
            "flagd then serves defaultVariant; Vexil rules must serve a variant, so the branch is dropped",
        );
        return None;
    }
    let Some(args) = v.get("fractional").or_else(|| v.get("fractionalEvaluation")).and_then(Value::as_array)
    else {
        cx.skip(at, format!("result {v}"), "only variant names and fractional splits map; branch dropped");
        return None;
    };
    let mut bucket_by = None;
    let mut parts = Vec::new();
    for (i, a) in args.iter().enumerate() {
        match a {
            Value::Array(d) => {
                let Some(k) = d.first().and_then(Value::as_str).and_then(|n| names.get(n)) else {
                    cx.skip(
                        format!("{at}/fractional/{i}"),
                        format!("bucket {a}"),
                        "names no variant; split dropped",
                    );
                    return None;
                };
                let w = d.get(1).and_then(Value::as_f64).unwrap_or(1.0);
                parts.push((k.clone(), w));
            }
            Value::Object(o) if i == 0 => {
                match o.get("var").and_then(|x| x.as_str().or_else(|| x.get(0).and_then(Value::as_str))) {
                    Some(attr) => bucket_by = Some(attribute(attr)),
                    None => cx.skip(
                        format!("{at}/fractional/0"),
                        format!("bucketing expression {a}"),
                        "only a plain var maps; bucketed by the context key instead",
                    ),
                }
            }
            Value::String(s) if i == 0 => bucket_by = Some(attribute(s)),
            _ => {
                cx.skip(
                    format!("{at}/fractional/{i}"),
                    format!("{a}"),
                    "not a [variant, weight] pair; split dropped",
                );
                return None;
            }
        }
    }
    let total: f64 = parts.iter().map(|(_, w)| w).sum();
    cx.rebucketed(at, REBUCKET);
    Some(ServeDoc::Rollout(RolloutDoc {
        bucket_by: bucket_by.filter(|b| b != "key"),
        weights: scale(&parts, total),
    }))
}

fn attribute(var: &str) -> String {
    if var == "targetingKey" { "key".to_owned() } else { var.to_owned() }
}

/// A condition as alternatives (any) of conjunctions (all), or why it does not map.
fn condition(c: &Value) -> Result<Vec<Vec<ConditionDoc>>, String> {
    let Some(o) = c.as_object().filter(|o| o.len() == 1) else {
        return match c {
            Value::Bool(true) => Ok(vec![vec![]]),
            _ => Err("not a single JsonLogic operation".to_owned()),
        };
    };
    let Some((op, args)) = o.iter().next() else {
        return Err("empty operation".to_owned());
    };
    let list = args.as_array().map(Vec::as_slice).unwrap_or(std::slice::from_ref(args));
    match op.as_str() {
        "and" => {
            let mut acc: Vec<Vec<ConditionDoc>> = vec![vec![]];
            for a in list {
                let alts = condition(a)?;
                let mut next = Vec::new();
                for left in &acc {
                    for right in &alts {
                        next.push(left.iter().chain(right).cloned().collect());
                    }
                }
                if next.len() > 20 {
                    return Err("too many alternatives once expanded".to_owned());
                }
                acc = next;
            }
            Ok(acc)
        }
        "or" => {
            let mut out = Vec::new();
            for a in list {
                out.extend(condition(a)?);
            }
            Ok(out)
        }
        "!" => {
            let inner = condition(list.first().ok_or("empty !")?)?;
            match inner.as_slice() {
                [one] if one.len() == 1 => {
                    let mut c = one[0].clone();
                    c.negate = !c.negate;
                    Ok(vec![vec![c]])
                }
                _ => Err("a negated and/or does not map onto one rule".to_owned()),
            }
        }
        _ => simple(op, list).map(|c| vec![vec![c]]),
    }
}

fn var_of(v: &Value) -> Option<String> {
    let x = v.get("var")?;
    let name = x.as_str().or_else(|| x.get(0).and_then(Value::as_str))?;
    if name.starts_with("$flagd.") {
        return None;
    }
    Some(attribute(name))
}

fn simple(op: &str, a: &[Value]) -> Result<ConditionDoc, String> {
    if op == "sem_ver" {
        return semver(a).ok_or_else(|| "sem_ver maps only as [var, =|!=|<|<=|>|>=, version]".to_owned());
    }
    let cond = |attribute: String, op: OpDoc, values: Vec<Value>, negate: bool| ConditionDoc {
        attribute,
        op,
        values,
        negate,
    };
    let (first, second) = match a {
        [x, y] => (x, y),
        _ => return Err(format!("{op} with {} operands does not map", a.len())),
    };
    match op {
        "==" | "===" | "!=" | "!==" => {
            let negate = op.starts_with('!');
            match (var_of(first), var_of(second)) {
                (Some(v), None) => Ok(cond(v, OpDoc::In, vec![second.clone()], negate)),
                (None, Some(v)) => Ok(cond(v, OpDoc::In, vec![first.clone()], negate)),
                _ => Err("a comparison needs one var and one value".to_owned()),
            }
        }
        "in" => match (var_of(first), var_of(second)) {
            (None, Some(v)) if first.is_string() => Ok(cond(v, OpDoc::Contains, vec![first.clone()], false)),
            (Some(v), None) if second.is_array() => {
                Ok(cond(v, OpDoc::In, second.as_array().cloned().unwrap_or_default(), false))
            }
            _ => Err("in needs a var and a string or a list".to_owned()),
        },
        "starts_with" | "ends_with" => match var_of(first) {
            Some(v) if second.is_string() => Ok(cond(
                v,
                if op == "starts_with" { OpDoc::StartsWith } else { OpDoc::EndsWith },
                vec![second.clone()],
                false,
            )),
            _ => Err(format!("{op} needs a var and a string")),
        },
        "<" | "<=" | ">" | ">=" => {
            let (v, n, flipped) = match (var_of(first), var_of(second)) {
                (Some(v), None) => (v, second, false),
                (None, Some(v)) => (v, first, true),
                _ => return Err("a comparison needs one var and one number".to_owned()),
            };
            if !n.is_number() {
                return Err(format!("{op} against a non-number does not map"));
            }
            let op = match (op, flipped) {
                ("<", false) | (">", true) => OpDoc::Lt,
                ("<=", false) | (">=", true) => OpDoc::Lte,
                (">", false) | ("<", true) => OpDoc::Gt,
                _ => OpDoc::Gte,
            };
            Ok(cond(v, op, vec![n.clone()], false))
        }
        _ => Err(format!("operator {op:?} does not map")),
    }
}

fn semver(a: &[Value]) -> Option<ConditionDoc> {
    let [v, o, version] = a else { return None };
    let attribute = var_of(v)?;
    let version = version.as_str()?.trim_start_matches('v');
    let (op, negate) = match o.as_str()? {
        "=" => (OpDoc::SemverEq, false),
        "!=" => (OpDoc::SemverEq, true),
        "<" => (OpDoc::SemverLt, false),
        "<=" => (OpDoc::SemverLte, false),
        ">" => (OpDoc::SemverGt, false),
        ">=" => (OpDoc::SemverGte, false),
        _ => return None,
    };
    Some(ConditionDoc { attribute, op, values: vec![json!(version)], negate })
}
