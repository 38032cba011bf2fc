//! The one check of text at the edge: no NUL character (U+0000) in a path parameter, a
//! query string or a JSON body, applied by the extractors that read them
//! ([`super::extract`]). PostgreSQL cannot store a NUL in `text` (it answers an error),
//! SQLite can; refusing it here gives the same 400 on both databases, before any
//! handler, store or log sees the text.

use serde_json::Value;
use vexil_core::Problem;
use vexil_core::validate::escape_pointer_token;

use super::error::ApiError;

const MESSAGE: &str = "text may not contain the NUL character (U+0000)";

/// Refuses a (percent-decoded) path parameter that holds a NUL.
pub(crate) fn check_path_param(value: &str) -> Result<(), ApiError> {
    if value.contains('\0') {
        return Err(ApiError::bad_request(format!("the path holds a NUL character: {MESSAGE}")));
    }
    Ok(())
}

/// Refuses a query string (as sent, percent-encoded) that holds an encoded NUL (`%00`;
/// a raw NUL never gets past the HTTP parser).
pub(crate) fn check_query(raw: &str) -> Result<(), ApiError> {
    if raw.contains("%00") {
        return Err(ApiError::bad_request(format!("the query string holds a NUL character: {MESSAGE}")));
    }
    Ok(())
}

/// Refuses a JSON body with a NUL in any string (a name or a value), naming where. Raw
/// control characters are already invalid JSON; this looks for the `\u0000` escape.
pub(crate) fn check_json(bytes: &[u8]) -> Result<(), ApiError> {
    if !has_nul_escape(bytes) {
        return Ok(());
    }
    let pointer = serde_json::from_slice::<Value>(bytes)
        .ok()
        .and_then(|v| nul_pointer(&v, String::new()))
        .unwrap_or_default();
    let at = if pointer.is_empty() { String::new() } else { format!(" at {pointer}") };
    Err(ApiError::BadRequest {
        detail: format!("the body holds a NUL character{at}: {MESSAGE}"),
        errors: vec![Problem { pointer, message: MESSAGE.to_owned() }],
    })
}

/// Whether the JSON text holds `\u0000` as an escape (not as an escaped backslash
/// followed by `u0000`).
fn has_nul_escape(bytes: &[u8]) -> bool {
    const ESCAPE: &[u8] = b"u0000";
    let mut backslashes = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\\' {
            backslashes += 1;
            continue;
        }
        if backslashes % 2 == 1 && bytes[i..].starts_with(ESCAPE) {
            return true;
        }
        backslashes = 0;
    }
    false
}

/// The JSON pointer of the first string (key or value) holding a NUL.
fn nul_pointer(v: &Value, at: String) -> Option<String> {
    match v {
        Value::String(s) if s.contains('\0') => Some(at),
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, item)| nul_pointer(item, format!("{at}/{i}")))
        }
        Value::Object(map) => map.iter().find_map(|(k, item)| {
            let here = format!("{at}/{}", escape_pointer_token(k));
            if k.contains('\0') { Some(here) } else { nul_pointer(item, here) }
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nul_escapes_and_only_those() {
        assert!(has_nul_escape(br#"{"a":"x\u0000"}"#));
        assert!(has_nul_escape(br#"{"a":"\\\u0000"}"#), "an escaped backslash, then a NUL");
        assert!(!has_nul_escape(br#"{"a":"\\u0000"}"#), "a backslash followed by the text u0000");
        assert!(!has_nul_escape(br#"{"a":"\u0001"}"#));
    }

    #[test]
    fn names_where_the_nul_is() {
        let err = check_json(br#"{"a":[{"b":"ok"},{"c\u0000":1}]}"#).unwrap_err();
        match err {
            ApiError::BadRequest { errors, .. } => assert_eq!(errors[0].pointer, "/a/1/c\u{0}"),
            other => panic!("{other:?}"),
        }
        assert!(check_json(br#"{"a":"fine"}"#).is_ok());
    }
}
