//! `vexil-server`: the Vexil HTTP service.
#![forbid(unsafe_code)]
