//! Per-flag value-change listeners ([`crate::Client::on_change`]): after a new snapshot
//! is installed, each listener whose flag may have changed re-evaluates it for its
//! context and is called if the value differs.
//!
//! Callbacks run on the thread that installed the snapshot (the client's background
//! thread, or the test's thread with [`crate::TestData`]), never under a lock of the
//! registry, so a callback may register or drop listeners.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use serde_json::Value;
use vexil_core::{Context, EvaluationRecord};

use crate::loaded::Loaded;
use crate::shared::Shared;

/// A flag's value for one context changed (see [`crate::Client::on_change`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FlagValueChange {
    /// The flag.
    pub flag: String,
    /// The value before; `None` when the flag had no value (missing, failed, or no data).
    pub old_value: Option<Value>,
    /// The value now; `None` when it has none.
    pub new_value: Option<Value>,
    /// The new evaluation: variant, reason, error code.
    pub details: EvaluationRecord,
    /// The environment version now served.
    pub version: u64,
}

type Callback = Box<dyn Fn(&FlagValueChange) + Send + Sync>;

pub(crate) struct Listener {
    id: u64,
    flag: String,
    context: Context,
    last: Mutex<Option<Value>>,
    callback: Callback,
}

/// The registry of a client's listeners.
#[derive(Default)]
pub(crate) struct Listeners {
    next_id: AtomicU64,
    list: Mutex<Vec<Arc<Listener>>>,
}

impl fmt::Debug for Listeners {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listeners").field("count", &self.len()).finish()
    }
}

impl Listeners {
    fn len(&self) -> usize {
        self.list.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn add(
        &self,
        flag: &str,
        context: Context,
        current: Option<&Loaded>,
        callback: Callback,
    ) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let last = current.and_then(|l| l.compiled.evaluate(flag, &context).value.cloned());
        let listener =
            Arc::new(Listener { id, flag: flag.to_owned(), context, last: Mutex::new(last), callback });
        self.list.lock().unwrap_or_else(PoisonError::into_inner).push(listener);
        id
    }

    pub(crate) fn remove(&self, id: u64) {
        self.list.lock().unwrap_or_else(PoisonError::into_inner).retain(|l| l.id != id);
    }

    /// Calls the listeners of `changed` flags whose value for their context differs.
    pub(crate) fn notify(&self, loaded: &Loaded, changed: &[String]) {
        let concerned: Vec<Arc<Listener>> = self
            .list
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|l| changed.binary_search(&l.flag).is_ok())
            .cloned()
            .collect();
        for l in concerned {
            // Not counted as usage: the application did not ask for this value.
            let details = loaded.compiled.evaluate(&l.flag, &l.context).record();
            let old_value = {
                let mut last = l.last.lock().unwrap_or_else(PoisonError::into_inner);
                if *last == details.value {
                    continue;
                }
                std::mem::replace(&mut *last, details.value.clone())
            };
            let change = FlagValueChange {
                flag: l.flag.clone(),
                old_value,
                new_value: details.value.clone(),
                details,
                version: loaded.compiled.version(),
            };
            (l.callback)(&change);
        }
    }
}

/// Keeps a listener registered by [`crate::Client::on_change`]; dropping it (or calling
/// [`ChangeListener::remove`]) unregisters it.
#[must_use = "the listener is removed when this handle is dropped"]
pub struct ChangeListener {
    pub(crate) shared: Weak<Shared>,
    pub(crate) id: u64,
}

impl fmt::Debug for ChangeListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChangeListener").field("id", &self.id).finish()
    }
}

impl ChangeListener {
    /// Unregisters the listener now.
    pub fn remove(self) {}
}

impl Drop for ChangeListener {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.upgrade() {
            shared.listeners.remove(self.id);
        }
    }
}
