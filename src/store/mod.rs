//! Storage: opens kbingest databases (creating and migrating them as needed) and loads clean rows
//! into them. The schema is plain SQL in `migrations/`; only this module speaks SQL to write.

pub mod catalog;
mod claim;
mod header;
mod load;
mod migrate;
mod remove;

pub use load::{Load, SourceLoad, SourceMeta, SourceOutcome, StoredSource};
pub use migrate::{MIGRATIONS, latest_version};
pub use remove::{RemovedSource, remove_sources};

use crate::error::{Error, Result};
use claim::Claim;
use header::{CHANGE_HINT, LOAD_HINT, READ_HINT, check_header, check_identity};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The `application_id` stamped into every kbingest database ('KBIN').
pub const APPLICATION_ID: i32 = 0x4B42_494E;

/// How long a writer waits for another process's write transaction before giving up.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// An open kbingest database.
pub struct Database {
    /// The connection. Declared before `claim`, so that it closes first.
    pub conn: Connection,
    /// The path as given.
    pub path: String,
    /// Whether this open created the file.
    pub created: bool,
    /// A writer's claim on the file (see `claim.rs`); `None` when read-only.
    claim: Option<Claim>,
}

/// How long a writer waits for another writer, in milliseconds. One per process, because
/// SQLite's busy handler is a plain function; a process opens one database for writing.
static BUSY_TIMEOUT_MS: AtomicU64 = AtomicU64::new(60_000);
const BUSY_SLEEP: Duration = Duration::from_millis(10);

/// SQLite's busy handler: waits for another process's lock in short sleeps, and gives up at the
/// busy timeout or as soon as Ctrl-C or SIGTERM asks kbingest to stop.
fn wait_for_lock(tries: i32) -> bool {
    if crate::interrupt::requested().is_some() {
        return false;
    }
    let waited = u64::try_from(tries).unwrap_or(u64::MAX).saturating_mul(BUSY_SLEEP.as_millis() as u64);
    if waited >= BUSY_TIMEOUT_MS.load(Ordering::Relaxed) {
        return false;
    }
    std::thread::sleep(BUSY_SLEEP);
    true
}

/// Whether an error is SQLite's "database is locked".
fn is_busy(e: &Error) -> bool {
    matches!(e, Error::Sqlite { source: rusqlite::Error::SqliteFailure(f, _), .. } if f.code == rusqlite::ErrorCode::DatabaseBusy)
}

/// Whether no source has ever been committed into the database (so removing it loses nothing).
fn holds_no_source(conn: &Connection) -> bool {
    let tables: rusqlite::Result<i64> =
        conn.query_row("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'sources'", [], |r| {
            r.get(0)
        });
    match tables {
        Ok(0) => true,
        Ok(_) => conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM sources)", [], |r| r.get(0)).unwrap_or(false),
        Err(_) => false,
    }
}

impl Database {
    /// Opens `path` for loading, creating it if it does not exist and applying any migrations it
    /// lacks. A file that is not a kbingest database is refused and left untouched. If opening a
    /// file this call created fails, the file is removed again.
    pub fn open_for_write(path: &str, busy_timeout: Duration) -> Result<Database> {
        if Path::new(path).is_dir() {
            return Err(Error::database(path, "is a directory", "name a database file with -o"));
        }
        Database::open_writable(path, busy_timeout, LOAD_HINT)
    }

    /// Opens an existing kbingest database to change it (applying any migrations it lacks);
    /// nothing is created.
    pub fn open_to_change(path: &str) -> Result<Database> {
        if Path::new(path).is_dir() {
            return Err(Error::database(path, "is a directory", "name a database file"));
        }
        if !Path::new(path).is_file() {
            return Err(Error::database(path, "does not exist", "name a database made by `kbingest ... -o DB`"));
        }
        Database::open_writable(path, DEFAULT_BUSY_TIMEOUT, CHANGE_HINT)
    }

    fn open_writable(path: &str, busy_timeout: Duration, untouched: &'static str) -> Result<Database> {
        let claim = Claim::take(path)?;
        if !claim.created {
            check_header(path, untouched)?;
        }
        // No CREATE flag: the claim made the file, and SQLite must not make another one.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let created = claim.created;
        let conn = match Connection::open_with_flags(path, flags) {
            Ok(conn) => conn,
            Err(e) => {
                if created {
                    remove_files(path);
                }
                return Err(Error::sqlite(path, "opening the database")(e));
            }
        };
        let mut db = Database { conn, path: path.to_string(), created, claim: Some(claim) };
        match db.prepare_for_write(busy_timeout, untouched) {
            Ok(()) => Ok(db),
            Err(e) => {
                db.discard();
                Err(e)
            }
        }
    }

    /// Settings of a writing connection, identity checks, WAL mode and migrations.
    fn prepare_for_write(&mut self, busy_timeout: Duration, untouched: &str) -> Result<()> {
        BUSY_TIMEOUT_MS.store(u64::try_from(busy_timeout.as_millis()).unwrap_or(u64::MAX), Ordering::Relaxed);
        self.conn.busy_handler(Some(wait_for_lock)).map_err(Error::sqlite(&self.path, "setting the busy handler"))?;
        // Where waiting could deadlock (two connections switching a new file to WAL mode at
        // once, say) SQLite reports "busy" without calling the busy handler; every step here can
        // be run again, so wait and run them again, under the busy handler's policy.
        let mut tries = 0;
        loop {
            match self.identify_and_migrate(untouched) {
                Err(e) if is_busy(&e) && wait_for_lock(tries) => tries += 1,
                done => return done,
            }
        }
    }

    fn identify_and_migrate(&self, untouched: &str) -> Result<()> {
        let path = self.path.as_str();
        // Until the file is known to be ours, closing must not checkpoint a WAL left by another
        // application into its database.
        let no_checkpoint = |on: bool| {
            self.conn
                .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, on)
                .map_err(Error::sqlite(path, "setting checkpoint on close"))
        };
        no_checkpoint(true)?;
        let version = check_identity(&self.conn, path, untouched)?;
        no_checkpoint(false)?;
        self.conn.pragma_update(None, "foreign_keys", true).map_err(Error::sqlite(path, "turning on foreign keys"))?;
        // A file this run created stays in rollback-journal mode until its first load is done
        // (see `begin_first_load`): switching a new file to WAL and back would cost more than
        // loading a small document.
        if !self.created && (version < latest_version() || self.journal_mode()? != "wal") {
            self.conn
                .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                .map_err(Error::sqlite(path, "switching to WAL mode"))?;
        }
        migrate::migrate(&self.conn, path)
    }

    /// Closes the database after a failure and puts the file back as it was before this run:
    /// a file the run created is removed, and an empty file it was given is emptied again (its
    /// schema goes), so that a failed first ingest leaves nothing behind. A file that another
    /// kbingest has opened meanwhile, or has loaded a source into, is theirs now and stays.
    /// Returns whether the file was put back.
    pub fn discard(self) -> bool {
        let Database { conn, path, created, claim } = self;
        let was_empty = claim.as_ref().is_some_and(|c| c.was_empty);
        let alone = was_empty && claim.as_ref().is_some_and(Claim::try_exclusive);
        let put_back = alone && holds_no_source(&conn);
        // SQLite closes first (removing its WAL), then the file goes, then the claim.
        drop(conn);
        if put_back {
            if created {
                remove_files(&path);
            } else {
                let _ = std::fs::OpenOptions::new().write(true).open(&path).and_then(|f| f.set_len(0));
                remove_companions(&path);
            }
        }
        drop(claim);
        put_back
    }

    /// Opens an existing kbingest database read-only; nothing is created and nothing can change.
    pub fn open_read_only(path: &str) -> Result<Database> {
        if !Path::new(path).is_file() {
            return Err(Error::database(path, "does not exist", "name a database made by `kbingest ... -o DB`"));
        }
        check_header(path, READ_HINT)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(Error::sqlite(path, "opening the database"))?;
        conn.busy_timeout(DEFAULT_BUSY_TIMEOUT).map_err(Error::sqlite(path, "setting the busy timeout"))?;
        let version = check_identity(&conn, path, READ_HINT)?;
        if version < latest_version() {
            return Err(Error::database(
                path,
                format!("has schema version {version}, older than this kbingest's {}", latest_version()),
                "ingest into it once with this kbingest to upgrade it",
            ));
        }
        Ok(Database { conn, path: path.to_string(), created: false, claim: None })
    }

    /// Prepares a first load (into a database without sources) by leaving WAL mode for the
    /// rollback journal: a transaction that only adds pages to a database journals next to
    /// nothing, where WAL would write every page twice (into the WAL, then back). Returns whether
    /// it did; best effort, since another connection's WAL keeps the mode as it is, which is as
    /// safe. [`Database::end_first_load`] goes back to WAL.
    pub fn begin_first_load(&self) -> Result<bool> {
        let first: bool = self
            .conn
            .query_row("SELECT NOT EXISTS (SELECT 1 FROM sources)", [], |r| r.get(0))
            .map_err(Error::sqlite(&self.path, "counting sources"))?;
        if !first {
            return Ok(false);
        }
        let mode: rusqlite::Result<String> = self.conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0));
        Ok(mode.is_ok_and(|m| m.eq_ignore_ascii_case("delete")))
    }

    /// Goes back to WAL mode after a first load, committed or not. Best effort: a database left in
    /// rollback-journal mode is still whole, and the next writer switches it back.
    pub fn end_first_load(&self) {
        let _ = self.conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()));
    }

    fn journal_mode(&self) -> Result<String> {
        self.conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .map_err(Error::sqlite(&self.path, "reading the journal mode"))
    }
}

/// Removes a database file and its companions.
fn remove_files(path: &str) {
    let _ = std::fs::remove_file(path);
    remove_companions(path);
}

/// Removes the WAL, shared-memory and journal files beside a database.
fn remove_companions(path: &str) {
    for suffix in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_gets_the_schema_and_wal_once_its_first_load_ends() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        let db = Database::open_for_write(path.to_str().unwrap(), DEFAULT_BUSY_TIMEOUT).unwrap();
        assert!(db.created);
        // A new file waits in rollback-journal mode for its first load.
        assert_eq!(db.journal_mode().unwrap(), "delete");
        assert!(db.begin_first_load().unwrap());
        db.end_first_load();
        assert_eq!(db.journal_mode().unwrap(), "wal");
        let id: i32 = db.conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
        assert_eq!(id, APPLICATION_ID);
        drop(db);
        let again = Database::open_for_write(path.to_str().unwrap(), DEFAULT_BUSY_TIMEOUT).unwrap();
        assert!(!again.created);
        assert_eq!(again.journal_mode().unwrap(), "wal");
    }

    #[test]
    fn a_text_file_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "my notes\n").unwrap();
        let err = Database::open_for_write(path.to_str().unwrap(), DEFAULT_BUSY_TIMEOUT).err().unwrap();
        assert!(err.to_string().contains("is not an SQLite database"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"my notes\n");
    }

    #[test]
    fn another_applications_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        Connection::open(&path).unwrap().execute_batch("CREATE TABLE t (x INTEGER);").unwrap();
        let before = std::fs::read(&path).unwrap();
        let err = Database::open_for_write(path.to_str().unwrap(), DEFAULT_BUSY_TIMEOUT).err().unwrap();
        assert!(err.to_string().contains("not a kbingest database"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn a_newer_schema_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.db");
        let p = path.to_str().unwrap();
        drop(Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT).unwrap());
        Connection::open(&path).unwrap().pragma_update(None, "user_version", latest_version() + 1).unwrap();
        let before = std::fs::read(&path).unwrap();
        let err = Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT).err().unwrap();
        assert!(err.to_string().contains("newer than"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    /// Loads an empty source named `name` through `db` and closes it.
    fn load_a_source(mut db: Database, name: &str) {
        let mut load = Load::begin(&mut db, false).unwrap();
        let meta =
            SourceMeta { name: name.into(), format: "text".into(), encoding: "UTF-8".into(), options: "".into() };
        load.source(&meta).unwrap().finish(&"0".repeat(64), 0).unwrap();
        load.commit().unwrap();
    }

    #[test]
    fn a_created_file_is_discarded_only_if_nobody_else_has_it_or_loaded_into_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        let p = path.to_str().unwrap();
        // Alone: the file and its companions go.
        let alone = Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT).unwrap();
        assert!(alone.created && alone.discard());
        assert!(!path.exists() && !dir.path().join("new.db-wal").exists());
        // Another writer has it open: it stays.
        let creator = Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT).unwrap();
        let other = Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT).unwrap();
        assert!(creator.created && !other.created);
        assert!(!creator.discard());
        load_a_source(other, "theirs");
        assert!(path.exists());
        std::fs::remove_file(&path).unwrap();
        // Another writer came, loaded a source and went: the file is theirs and stays.
        let creator = Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT).unwrap();
        load_a_source(Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT).unwrap(), "theirs");
        assert!(!creator.discard());
        let kept = Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT).unwrap();
        let names: i64 = kept.conn.query_row("SELECT count(*) FROM sources", [], |r| r.get(0)).unwrap();
        assert_eq!(names, 1);
        // Not created by this run: never removed.
        assert!(!kept.discard());
        assert!(path.exists());
    }

    #[test]
    fn read_only_open_of_a_missing_file_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing.db");
        assert!(Database::open_read_only(path.to_str().unwrap()).is_err());
        assert!(!path.exists());
    }
}
