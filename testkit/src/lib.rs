//! Test support shared by Vexil's test suites: throwaway databases, real `vexil`
//! processes on 127.0.0.1, and the admin API as the owner.

mod admin;
mod db;
mod process;
mod wait;

pub use admin::Admin;
pub use db::{Db, TestDb, postgres_admin_url, with_database};
pub use process::{OWNER_EMAIL, OWNER_PASSWORD, Server, ServerBuilder};
pub use wait::{WAIT, eventually, free_port};
