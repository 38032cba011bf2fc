//! A handle on one flag ([`Client::flag`]): the client's typed evaluations for one key,
//! without the look-up by key on each call.
//!
//! The handle remembers the position the flag had in the last snapshot it evaluated. A
//! later snapshot is checked at that position by comparing the key (a change that
//! creates or deletes no flag keeps every position); only when the key is not there is
//! the flag looked up again, and its new position remembered. So a handle never
//! evaluates the wrong flag, and costs at most what a call by key costs.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use serde::de::DeserializeOwned;
use serde_json::Value;
use vexil_core::Context;

use crate::client::{At, Client};
use crate::details::Details;

/// A handle on one flag of a [`Client`], made by [`Client::flag`]. Every method answers
/// as the client's method of the same name does for [`FlagHandle::key`].
///
/// `Send` and `Sync`, and cheap to clone (reference counts): share it between threads,
/// or make it once where the application starts.
///
/// ```
/// # let client = vexil_sdk::Client::builder("http://localhost:8080", "vx_srv_example").offline(true)
/// #     .bootstrap_file(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bootstrap.json")).build().unwrap();
/// let theme = client.flag("theme");
/// let d = theme.string_details(&vexil_sdk::Context::new("user-1"), "light");
/// assert_eq!((d.value.as_str(), d.variant.as_deref()), ("dark", Some("dark")));
/// ```
#[derive(Debug)]
pub struct FlagHandle {
    client: Client,
    key: Arc<str>,
    /// The flag's position in the last snapshot evaluated; `u32::MAX` before the first.
    hint: AtomicU32,
}

impl Clone for FlagHandle {
    fn clone(&self) -> FlagHandle {
        FlagHandle {
            client: self.client.clone(),
            key: self.key.clone(),
            hint: AtomicU32::new(self.hint.load(Ordering::Relaxed)),
        }
    }
}

impl FlagHandle {
    pub(crate) fn new(client: Client, key: String) -> FlagHandle {
        FlagHandle { client, key: key.into(), hint: AtomicU32::new(u32::MAX) }
    }

    fn at(&self) -> At<'_> {
        At { key: &self.key, hint: Some(&self.hint) }
    }

    /// The flag key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The client the handle evaluates with.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// [`Client::bool_value`] for this flag.
    #[inline]
    pub fn bool_value(&self, ctx: &Context, default: bool) -> bool {
        self.client.bool_value_at(self.at(), ctx, default)
    }

    /// [`Client::string_value`] for this flag.
    pub fn string_value(&self, ctx: &Context, default: &str) -> String {
        self.client.string_value_at(self.at(), ctx, default)
    }

    /// [`Client::number_value`] for this flag.
    #[inline]
    pub fn number_value(&self, ctx: &Context, default: f64) -> f64 {
        self.client.number_value_at(self.at(), ctx, default)
    }

    /// [`Client::int_value`] for this flag.
    #[inline]
    pub fn int_value(&self, ctx: &Context, default: i64) -> i64 {
        self.client.int_value_at(self.at(), ctx, default)
    }

    /// [`Client::json_value`] for this flag.
    pub fn json_value(&self, ctx: &Context, default: Value) -> Value {
        self.client.json_value_at(self.at(), ctx, default)
    }

    /// [`Client::json_value_as`] for this flag.
    pub fn json_value_as<T: DeserializeOwned>(&self, ctx: &Context, default: T) -> T {
        self.client.json_value_as_at(self.at(), ctx, default)
    }

    /// [`Client::bool_details`] for this flag.
    pub fn bool_details(&self, ctx: &Context, default: bool) -> Details<bool> {
        self.client.bool_details_at(self.at(), ctx, default)
    }

    /// [`Client::string_details`] for this flag.
    pub fn string_details(&self, ctx: &Context, default: &str) -> Details<String> {
        self.client.string_details_at(self.at(), ctx, default)
    }

    /// [`Client::number_details`] for this flag.
    pub fn number_details(&self, ctx: &Context, default: f64) -> Details<f64> {
        self.client.number_details_at(self.at(), ctx, default)
    }

    /// [`Client::int_details`] for this flag.
    pub fn int_details(&self, ctx: &Context, default: i64) -> Details<i64> {
        self.client.int_details_at(self.at(), ctx, default)
    }

    /// [`Client::json_details`] for this flag.
    pub fn json_details(&self, ctx: &Context, default: Value) -> Details<Value> {
        self.client.json_details_at(self.at(), ctx, default)
    }

    /// [`Client::json_details_as`] for this flag.
    pub fn json_details_as<T: DeserializeOwned>(&self, ctx: &Context, default: T) -> Details<T> {
        self.client.json_details_as_at(self.at(), ctx, default)
    }
}
