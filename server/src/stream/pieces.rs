//! The constant JSON of each flag's OFREP answer, rendered once per configuration so
//! that a bulk answer is mostly copying: the key, and for each variant its value and
//! name, and for each rule the members that name it. What depends on the context (the
//! reason, which rule matched) is chosen per request.

use std::sync::Arc;

use vexil_core::CompiledSnapshot;

use crate::usage::CounterNames;

/// Every flag's pieces, in snapshot order, and the names of the usage counters their
/// answers count into.
#[derive(Debug)]
pub struct OfrepPieces {
    /// Per flag, in snapshot order.
    pub flags: Box<[FlagPieces]>,
    /// Counter `flags[i].first_counter + v` counts flag `i` serving its variant `v`.
    pub counters: Arc<CounterNames>,
}

/// One flag's pre-rendered pieces.
#[derive(Debug)]
pub struct FlagPieces {
    /// The usage counter of the flag's first variant (see [`OfrepPieces::counters`]).
    pub first_counter: u32,
    /// Per variant, in the flag's order: `{"key":"<key>","value":<value>,"variant":"<key>",`
    /// (no `value` for `null`, which OFREP sends as "use the code default"); `None` for
    /// a value OFREP cannot carry (an array), which takes the general path. The flag's
    /// key is in every variant's piece so that an answer starts with one copy.
    pub variants: Box<[Option<Box<[u8]>>]>,
    /// Per rule, in the flag's order: `,"ruleId":"<id>","ruleIndex":<index>` (the
    /// metadata members of a server key's answer when that rule matched).
    pub rules: Box<[Box<[u8]>]>,
}

/// Renders every flag of a compiled snapshot, in snapshot order (as `flags()` and
/// `evaluate_all` iterate).
pub fn render(compiled: &CompiledSnapshot) -> OfrepPieces {
    let mut counters = CounterNames::default();
    let flags = compiled
        .flags()
        .map(|info| {
            let mut head = Vec::with_capacity(info.key().len() + 12);
            head.extend_from_slice(b"{\"key\":");
            json_into(&mut head, info.key());
            head.push(b',');
            let first_counter = u32::try_from(counters.len()).unwrap_or(u32::MAX);
            let variants = info
                .variants()
                .map(|(key, value)| {
                    counters.push(info.key(), key);
                    if value.is_array() {
                        return None;
                    }
                    let mut piece = Vec::with_capacity(head.len() + key.len() + 32);
                    piece.extend_from_slice(&head);
                    if !value.is_null() {
                        piece.extend_from_slice(b"\"value\":");
                        serde_json::to_writer(&mut piece, value).ok()?;
                        piece.push(b',');
                    }
                    piece.extend_from_slice(b"\"variant\":");
                    json_into(&mut piece, key);
                    piece.push(b',');
                    Some(piece.into_boxed_slice())
                })
                .collect();
            let rules = info
                .rule_ids()
                .enumerate()
                .map(|(index, id)| {
                    let mut piece = Vec::with_capacity(id.len() + 32);
                    rule_members_into(&mut piece, id, index);
                    piece.into_boxed_slice()
                })
                .collect();
            FlagPieces { first_counter, variants, rules }
        })
        .collect();
    OfrepPieces { flags, counters: Arc::new(counters.shrink()) }
}

/// Appends `,"ruleId":"<id>","ruleIndex":<index>`: the metadata members that name the
/// rule that matched.
pub fn rule_members_into(out: &mut Vec<u8>, id: &str, index: usize) {
    out.extend_from_slice(b",\"ruleId\":");
    json_into(out, id);
    out.extend_from_slice(b",\"ruleIndex\":");
    out.extend_from_slice(itoa::Buffer::new().format(index).as_bytes());
}

/// Appends `text` as a JSON string.
pub fn json_into(out: &mut Vec<u8>, text: &str) {
    // Writing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(out, text);
}
