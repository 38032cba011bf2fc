//! A fresh database per test: PostgreSQL (created on the server `DATABASE_URL` names) or
//! a SQLite file in a temporary directory.

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Postgres,
    Sqlite,
}

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Replaces the database name of a PostgreSQL URL, keeping its query string.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{db}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// A fresh, empty database; dropped (PostgreSQL) or deleted (SQLite) with the value.
#[derive(Debug)]
pub struct TestDb {
    pub url: String,
    pg_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn new(db: Db) -> TestDb {
        match db {
            Db::Sqlite => TestDb::sqlite(),
            Db::Postgres => TestDb::postgres().await,
        }
    }

    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("vexil.db").display());
        TestDb { url, pg_name: None, _dir: Some(dir) }
    }

    pub async fn postgres() -> TestDb {
        let mut conn = admin_connection().await;
        TestDb::postgres_from(&mut conn, None).await
    }

    /// A new PostgreSQL database, copied from `template` if given (else from the
    /// server's default, `template1`).
    async fn postgres_from(conn: &mut sqlx::PgConnection, template: Option<&str>) -> TestDb {
        let name = format!("vexil_test_{}", uuid::Uuid::new_v4().simple());
        let from = template.map(|t| format!(" template {t}")).unwrap_or_default();
        sqlx::query(&format!("create database {name}{from}"))
            .execute(&mut *conn)
            .await
            .expect("create database");
        TestDb { url: with_database(&postgres_admin_url(), &name), pg_name: Some(name), _dir: None }
    }

    /// A fresh database with every migration already applied, for suites that start
    /// the application in-process many times. The suites that start `vexil` processes
    /// keep [`TestDb::new`]'s empty databases, so that start-up on an empty database
    /// (migrations included, by replicas at once) stays tested.
    ///
    /// PostgreSQL copies a template database (`create database … template`), made
    /// once per migration set and named by their checksums: applying the migrations
    /// costs more than the copy (about 2 s against 0.7 s each on a loaded 2-core
    /// machine). SQLite's migrations are cheap enough to run per test.
    pub async fn migrated(db: Db) -> TestDb {
        match db {
            Db::Sqlite => TestDb::sqlite(),
            Db::Postgres => {
                let mut conn = admin_connection().await;
                let template = postgres_template(&mut conn).await;
                TestDb::postgres_from(&mut conn, Some(&template)).await
            }
        }
    }
}

/// The migrations the server applies to PostgreSQL (the same files, so the same
/// checksums: the server finds them applied).
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

async fn admin_connection() -> sqlx::PgConnection {
    use sqlx::Connection;
    let admin = postgres_admin_url();
    sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| {
        panic!("PostgreSQL is needed for this test: cannot connect to {admin} ({e}); set DATABASE_URL")
    })
}

/// The name of the migrated template database, made on first use. Test processes and
/// threads may ask at once: an advisory lock makes one of them build it, under a
/// temporary name renamed when complete, so a half-built template is never copied.
/// Templates of other migration sets are left alone (another checkout's tests may be
/// copying them); each is a few megabytes.
async fn postgres_template(conn: &mut sqlx::PgConnection) -> String {
    use sqlx::Connection;
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for m in POSTGRES_MIGRATIONS.iter() {
        m.version.hash(&mut hasher);
        m.checksum.hash(&mut hasher);
    }
    let name = format!("vexil_template_{:016x}", hasher.finish());
    // Any constant: the lock only orders template builders.
    const LOCK: i64 = 0x7665_7869_6c74;
    sqlx::query("select pg_advisory_lock($1)").bind(LOCK).execute(&mut *conn).await.expect("advisory lock");
    let exists: bool = sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
        .bind(&name)
        .fetch_one(&mut *conn)
        .await
        .expect("look up the template database");
    if !exists {
        let building = format!("{name}_build");
        // Left by a run that stopped while building.
        let _ = sqlx::query(&format!("drop database if exists {building} with (force)"))
            .execute(&mut *conn)
            .await;
        sqlx::query(&format!("create database {building}"))
            .execute(&mut *conn)
            .await
            .expect("create the template");
        let mut template = sqlx::PgConnection::connect(&with_database(&postgres_admin_url(), &building))
            .await
            .expect("connect to the template");
        POSTGRES_MIGRATIONS.run(&mut template).await.expect("migrate the template");
        template.close().await.expect("disconnect from the template");
        sqlx::query(&format!("alter database {building} rename to {name}"))
            .execute(&mut *conn)
            .await
            .expect("name the template");
    }
    sqlx::query("select pg_advisory_unlock($1)")
        .bind(LOCK)
        .execute(&mut *conn)
        .await
        .expect("advisory unlock");
    name
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            // Drop may run inside a runtime or outside one: use a thread with its own.
            let admin = postgres_admin_url();
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async move {
                    use sqlx::Connection;
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                        let _ = sqlx::query(&format!("drop database if exists {name} with (force)"))
                            .execute(&mut conn)
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn with_database_replaces_only_the_name() {
        assert_eq!(with_database("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
        assert_eq!(
            with_database("postgres://u@h/postgres?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
