//! Storage: opens kbingest databases (creating and migrating them as needed) and loads clean rows
//! into them. The schema is plain SQL in `migrations/`; only this module speaks SQL to write.

mod aside;
pub mod catalog;
mod claim;
mod header;
mod image;
mod load;
pub mod lookup;
mod migrate;
mod plan;
mod prose;
mod readable;
mod registry;
mod remove;

pub use load::{Load, LoadStage, SourceLoad, SourceMeta, SourceOutcome, StoredSource};
pub use lookup::StoredService;
pub use migrate::{MIGRATIONS, latest_version};
pub use plan::LoadPlan;
pub use prose::NamedRule;
pub use registry::{RegisteredPort, registered_ports};
pub use remove::{RemovedSource, remove_sources};

use crate::error::{Error, Result};
use crate::stop::Stop;
use claim::Claim;
use header::{CHANGE_HINT, LOAD_HINT, READ_HINT, check_header, check_identity};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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
    /// The temporary file a new database is built in (see `aside.rs`), until it is renamed.
    aside: Option<aside::Aside>,
    /// A writer's claim on the file (see `claim.rs`); `None` when read-only.
    claim: Option<Claim>,
    /// Asked before the commit: a stop requested before it means no commit.
    pub stop: Stop,
    /// Raised while a stop may end the statement running (see `stop_on_request`).
    interruptible: Arc<AtomicBool>,
    /// Whether a write-ahead log with content was beside the file before this run opened it:
    /// another program's committed changes, which a run that commits nothing must not move into
    /// the file (see [`Database::keep_foreign_wal`]).
    foreign_wal: bool,
}

const BUSY_SLEEP: Duration = Duration::from_millis(10);
/// SQLite calls the progress handler every this many virtual-machine steps: often enough to
/// notice a stop within a fraction of a second, rarely enough to cost nothing measurable.
const STEPS_BETWEEN_STOP_CHECKS: i32 = 10_000;

/// How a writer waits for another process's lock: in short sleeps, giving up at the busy
/// timeout or as soon as a stop is asked for.
#[derive(Debug, Clone, Copy)]
struct Patience {
    timeout: Duration,
    stop: Stop,
}

impl Patience {
    /// Whether to try again after `tries` failed tries (sleeping first).
    fn wait(self, tries: i32) -> bool {
        if self.stop.requested().is_some() {
            return false;
        }
        let waited = BUSY_SLEEP.saturating_mul(u32::try_from(tries).unwrap_or(u32::MAX));
        if waited >= self.timeout {
            return false;
        }
        std::thread::sleep(BUSY_SLEEP);
        true
    }
}

/// Makes a statement on `conn` end with SQLITE_INTERRUPT soon after a stop is asked for, while
/// `armed` is raised: a long index build, a query that never ends. (Disarmed, the clean-up after
/// a stop still runs to its end.)
fn stop_on_request(conn: &mut Connection, path: &str, stop: Stop, armed: Arc<AtomicBool>) -> Result<()> {
    let handler = move || armed.load(Ordering::Relaxed) && stop.requested().is_some();
    conn.progress_handler(STEPS_BETWEEN_STOP_CHECKS, Some(handler))
        .map_err(Error::sqlite(path, "setting the stop check"))
}

/// Maps an SQLite error to [`Error::Interrupted`] when a stop was asked for (SQLite reports
/// "interrupted" then), else wraps it as usual.
pub(crate) fn stopped_or(stop: Stop, path: &str, context: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> Error {
    let wrap = Error::sqlite(path, context);
    move |e| match stop.requested() {
        Some(signal) => Error::Interrupted { signal },
        None => wrap(e),
    }
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
    /// `stop` is checked while waiting for another writer, during every statement and before the
    /// commit.
    pub fn open_for_write(path: &str, busy_timeout: Duration, stop: Stop) -> Result<Database> {
        Database::open_writable(path, busy_timeout, stop, LOAD_HINT)
    }

    /// Opens `path` to load `inputs` into: a database that does not exist yet is built aside, in a
    /// temporary file renamed onto `path` at the end of the load (see [`LoadPlan::builds_aside`]);
    /// any other as [`Database::open_for_write`] does.
    /// Temporary files that earlier runs into `path` left behind are removed first.
    pub fn open_for_load(path: &str, inputs: &[String], busy_timeout: Duration, stop: Stop) -> Result<Database> {
        aside::remove_left_behind(Path::new(path));
        if LoadPlan::builds_aside(path, inputs) {
            Database::open_aside(path, busy_timeout, stop)
        } else {
            Database::open_for_write(path, busy_timeout, stop)
        }
    }

    /// Opens an existing kbingest database to change it (applying any migrations it lacks);
    /// nothing is created.
    pub fn open_to_change(path: &str, stop: Stop) -> Result<Database> {
        if !Path::new(path).is_file() {
            return Err(Error::database(path, "does not exist", "name a database made by `kbingest ... -o DB`"));
        }
        Database::open_writable(path, DEFAULT_BUSY_TIMEOUT, stop, CHANGE_HINT)
    }

    fn open_writable(path: &str, busy_timeout: Duration, stop: Stop, untouched: &'static str) -> Result<Database> {
        // Opening a FIFO would wait for a writer for ever; a device is no place for a database.
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                return Err(Error::database(path, "is a directory", "name a database file with -o"));
            }
            Ok(meta) if !meta.is_file() => {
                return Err(Error::database(
                    path,
                    "is not a regular file (a FIFO, device or socket)",
                    "name a database file with -o; nothing was read or written",
                ));
            }
            _ => {}
        }
        let claim = Claim::take(path)?;
        if !claim.created {
            check_header(path, untouched)?;
        }
        // No CREATE flag: the claim made the file, and SQLite must not make another one.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let created = claim.created;
        let foreign_wal = std::fs::metadata(format!("{path}-wal")).is_ok_and(|m| m.len() > 0);
        let conn = match Connection::open_with_flags(path, flags) {
            Ok(conn) => conn,
            Err(e) => {
                if created {
                    remove_files(path);
                }
                return Err(Error::sqlite(path, "opening the database")(e));
            }
        };
        let interruptible = Arc::new(AtomicBool::new(false));
        let mut db = Database {
            conn,
            path: path.to_string(),
            created,
            aside: None,
            claim: Some(claim),
            stop,
            interruptible,
            foreign_wal,
        };
        match db.prepare_for_write(Patience { timeout: busy_timeout, stop }, untouched) {
            Ok(()) => Ok(db),
            Err(e) => {
                db.discard();
                Err(e)
            }
        }
    }

    /// Settings of a writing connection, identity checks, WAL mode and migrations.
    fn prepare_for_write(&mut self, patience: Patience, untouched: &str) -> Result<()> {
        self.conn
            .busy_handler(Some(move |tries| patience.wait(tries)))
            .map_err(Error::sqlite(&self.path, "setting the busy handler"))?;
        stop_on_request(&mut self.conn, &self.path, patience.stop, Arc::clone(&self.interruptible))?;
        // Where waiting could deadlock (two connections switching a new file to WAL mode at
        // once, say) SQLite reports "busy" without calling the busy handler; every step here can
        // be run again, so wait and run them again, under the busy handler's policy.
        let mut tries = 0;
        loop {
            match self.identify_and_migrate(untouched) {
                Err(e) if is_busy(&e) && patience.wait(tries) => tries += 1,
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
        if self.is_aside() {
            self.discard_aside();
            return true;
        }
        self.keep_foreign_wal();
        let Database { conn, path, created, claim, .. } = self;
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
    /// A statement ends soon after `stop` asks for it. A database in a folder kbingest cannot
    /// write to is read as it is on disk (SQLite's `immutable`) when no write-ahead log is beside
    /// it; a database with an interrupted load's journal is refused with what to do.
    pub fn open_read_only(path: &str, stop: Stop) -> Result<Database> {
        readable::check_file(path)?;
        check_header(path, READ_HINT)?;
        let mut conn = readable::open(path)?;
        conn.busy_timeout(DEFAULT_BUSY_TIMEOUT).map_err(Error::sqlite(path, "setting the busy timeout"))?;
        let version = check_identity(&conn, path, READ_HINT).or_else(|e| {
            // Whether the file can be read only as it is on disk shows in the first read.
            conn = readable::open_immutable(path, e)?;
            check_identity(&conn, path, READ_HINT)
        })?;
        if version < latest_version() {
            return Err(Error::database(
                path,
                format!("has schema version {version}, older than this kbingest's {}", latest_version()),
                "ingest into it once with this kbingest to upgrade it",
            ));
        }
        let interruptible = Arc::new(AtomicBool::new(true));
        stop_on_request(&mut conn, path, stop, Arc::clone(&interruptible))?;
        Ok(Database {
            conn,
            path: path.to_string(),
            created: false,
            aside: None,
            claim: None,
            stop,
            interruptible,
            foreign_wal: false,
        })
    }

    /// A run that commits nothing leaves another program's write-ahead log where it is: closing
    /// would otherwise checkpoint it into the file (the same content, other bytes). Best effort.
    pub(crate) fn keep_foreign_wal(&self) {
        if self.foreign_wal {
            let _ = self.conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true);
        }
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
mod tests;
