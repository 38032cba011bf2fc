//! `vexil-sdk`: evaluates Vexil flags locally from a cached snapshot.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use vexil_core::{Context, Evaluation, Reason};
