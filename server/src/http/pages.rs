//! `limit` and `cursor` on the lists that were answered whole (segments, users, API
//! tokens, SDK keys), with the convention of the flags list and the audit log: a page
//! is `{"items": [...], "next_cursor": "..."}`, and `next_cursor` is passed back as
//! `cursor` for the next page. Without `limit` these lists still answer everything in
//! one page, as before, so existing clients keep working (decision 0021). The lists are
//! paged in memory: they are administrative lists of bounded size, read in the order the
//! store gives them.

use serde::Deserialize;

use super::error::ApiError;
use crate::store::Page;

/// The most items one page holds.
pub(super) const MAX_PAGE: i64 = 1000;

/// `?limit=&cursor=`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PageQuery {
    /// Page size, 1 to [`MAX_PAGE`]; absent: the whole list.
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The page of `items` (in a stable order, each named uniquely by `key`) after the item
/// the cursor names. 400 for a limit out of range or a cursor that names no item (one
/// this server did not issue, or an item deleted since).
pub(super) fn page_of<T>(
    items: Vec<T>,
    q: &PageQuery,
    key: impl Fn(&T) -> &str,
) -> Result<Page<T>, ApiError> {
    if q.limit.is_some_and(|l| !(1..=MAX_PAGE).contains(&l)) {
        return Err(ApiError::bad_request(format!("limit must be between 1 and {MAX_PAGE}")));
    }
    let start = match &q.cursor {
        None => 0,
        Some(c) => items.iter().position(|i| key(i) == c).map(|i| i + 1).ok_or_else(|| {
            ApiError::bad_request(
                "cursor names no item of this list (deleted since?); start again without it",
            )
        })?,
    };
    let mut items: Vec<T> = items.into_iter().skip(start).collect();
    let Some(limit) = q.limit else { return Ok(Page { items, next_cursor: None }) };
    let limit = limit as usize;
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|i| key(i).to_owned())
    } else {
        None
    };
    Ok(Page { items, next_cursor })
}
