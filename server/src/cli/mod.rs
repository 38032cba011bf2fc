//! The command-line tools that talk to a Vexil server or read source code, as opposed to
//! running one.

pub mod refs;
