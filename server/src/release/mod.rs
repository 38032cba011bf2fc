//! Guarded progressive rollouts (release plans): the statistics that judge a
//! guardrail ([`stats`]) and the runner that takes each plan's decisions
//! ([`runner`]). Plans themselves are stored by `store::release_plans`; configuration
//! changes go through the store's one configuration write, never around it.

pub mod plan;
pub mod prometheus;
pub mod runner;
pub mod sketch;
pub mod stats;
