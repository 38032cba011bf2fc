//! `limit` and `cursor` on the lists that were answered whole (segments, users, API
//! tokens, SDK keys), with the convention of the flags list and the audit log: a page
//! is `{"items": [...], "next_cursor": "..."}`, and `next_cursor` is passed back as
//! `cursor` for the next page. A cursor is a position in the list's order (keyset
//! paging), never an item that must still exist. Without `limit` these lists still answer everything in
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

/// The direction of a list's order by its cursor key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Order {
    /// Smallest key first (segments by key, users by email).
    Ascending,
    /// Largest key first (API tokens and SDK keys, newest first).
    Descending,
}

/// The page of `items` after the position `cursor` names, in the order of `key`
/// (unique per item; the items are sorted by it here, whatever order they came in).
/// Every cursor is a position, so an item deleted since the previous page never makes
/// the next one fail, and nothing after it is skipped. 400 for a limit out of range.
pub(super) fn page_of<T>(
    mut items: Vec<T>,
    q: &PageQuery,
    order: Order,
    key: impl Fn(&T) -> String,
) -> Result<Page<T>, ApiError> {
    if q.limit.is_some_and(|l| !(1..=MAX_PAGE).contains(&l)) {
        return Err(ApiError::bad_request(format!("limit must be between 1 and {MAX_PAGE}")));
    }
    let mut keyed: Vec<(String, T)> = items.drain(..).map(|i| (key(&i), i)).collect();
    keyed.sort_by(|a, b| match order {
        Order::Ascending => a.0.cmp(&b.0),
        Order::Descending => b.0.cmp(&a.0),
    });
    if let Some(c) = &q.cursor {
        keyed.retain(|(k, _)| match order {
            Order::Ascending => k.as_str() > c.as_str(),
            Order::Descending => k.as_str() < c.as_str(),
        });
    }
    let Some(limit) = q.limit else {
        return Ok(Page { items: keyed.into_iter().map(|(_, i)| i).collect(), next_cursor: None });
    };
    let limit = limit as usize;
    let next_cursor = if keyed.len() > limit {
        keyed.truncate(limit);
        keyed.last().map(|(k, _)| k.clone())
    } else {
        None
    };
    Ok(Page { items: keyed.into_iter().map(|(_, i)| i).collect(), next_cursor })
}

/// The cursor key of an item listed newest first: its creation time (ms, zero-padded so
/// that text order is time order) and its id, which breaks ties.
pub(super) fn newest_first_key(created_at: crate::store::Timestamp, id: &str) -> String {
    format!("{:020}:{id}", created_at.0)
}
