//! Storage: opens kbingest databases (creating and migrating them as needed) and loads clean rows
//! into them. The schema is plain SQL in `migrations/`; only this module speaks SQL to write.

mod load;
mod migrate;

pub use load::{Load, SourceLoad, SourceMeta, SourceOutcome};
pub use migrate::{MIGRATIONS, latest_version};

use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// The `application_id` stamped into every kbingest database ('KBIN').
pub const APPLICATION_ID: i32 = 0x4B42_494E;

/// How long a writer waits for another process's write transaction before giving up.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// An open kbingest database.
pub struct Database {
    /// The connection.
    pub conn: Connection,
    /// The path as given.
    pub path: String,
    /// Whether this open created the file.
    pub created: bool,
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Refuses a file that exists but is not an SQLite database, without touching it.
fn check_sqlite_header(path: &str) -> Result<()> {
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(Error::io("open database", path))?;
    let n = file.read(&mut header).map_err(Error::io("read database", path))?;
    if n == 0 || &header[..n] == SQLITE_MAGIC.as_slice() {
        return Ok(());
    }
    Err(Error::database(
        path,
        "is not an SQLite database",
        "name a new file or a kbingest database with -o; the file was left untouched",
    ))
}

/// Refuses a database that is another application's, or newer than this kbingest knows.
fn check_identity(conn: &Connection, path: &str) -> Result<i64> {
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(not_a_database(path))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(not_a_database(path))?;
    let objects: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0)).map_err(not_a_database(path))?;
    let fresh = app_id == 0 && version == 0 && objects == 0;
    if app_id != APPLICATION_ID && !fresh {
        return Err(Error::database(
            path,
            "is an SQLite database, but not a kbingest database",
            "name a new file or a kbingest database with -o; the file was left untouched",
        ));
    }
    if version > latest_version() {
        return Err(Error::database(
            path,
            format!("has schema version {version}, newer than the {} this kbingest knows", latest_version()),
            "use a newer kbingest with this database; it was left untouched",
        ));
    }
    Ok(version)
}

fn not_a_database(path: &str) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| {
        if let rusqlite::Error::SqliteFailure(f, _) = &e
            && f.code == rusqlite::ErrorCode::NotADatabase
        {
            return Error::database(
                path,
                "is not an SQLite database",
                "name a kbingest database; the file was left untouched",
            );
        }
        Error::sqlite(path, "reading the database header")(e)
    }
}

impl Database {
    /// Opens `path` for loading, creating it if it does not exist and applying any migrations it
    /// lacks. A file that is not a kbingest database is refused and left untouched.
    pub fn open_for_write(path: &str, busy_timeout: Duration) -> Result<Database> {
        let existed = Path::new(path).exists();
        if existed {
            if Path::new(path).is_dir() {
                return Err(Error::database(path, "is a directory", "name a database file with -o"));
            }
            check_sqlite_header(path)?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::CannotOpen => {
                Error::database(path, "cannot be created or opened", "check that its directory exists and is writable")
            }
            e => Error::sqlite(path, "opening the database")(e),
        })?;
        conn.busy_timeout(busy_timeout).map_err(Error::sqlite(path, "setting the busy timeout"))?;
        let db = Database { conn, path: path.to_string(), created: !existed };
        let version = check_identity(&db.conn, path)?;
        db.conn.pragma_update(None, "foreign_keys", true).map_err(Error::sqlite(path, "turning on foreign keys"))?;
        if version < latest_version() || db.journal_mode()? != "wal" {
            db.conn
                .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                .map_err(Error::sqlite(path, "switching to WAL mode"))?;
        }
        migrate::migrate(&db.conn, path)?;
        Ok(db)
    }

    /// Opens an existing kbingest database read-only; nothing is created and nothing can change.
    pub fn open_read_only(path: &str) -> Result<Database> {
        if !Path::new(path).is_file() {
            return Err(Error::database(path, "does not exist", "name a database made by `kbingest ... -o DB`"));
        }
        check_sqlite_header(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(Error::sqlite(path, "opening the database"))?;
        conn.busy_timeout(DEFAULT_BUSY_TIMEOUT).map_err(Error::sqlite(path, "setting the busy timeout"))?;
        let version = check_identity(&conn, path)?;
        if version < latest_version() {
            return Err(Error::database(
                path,
                format!("has schema version {version}, older than this kbingest's {}", latest_version()),
                "ingest into it once with this kbingest to upgrade it",
            ));
        }
        Ok(Database { conn, path: path.to_string(), created: false })
    }

    fn journal_mode(&self) -> Result<String> {
        self.conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .map_err(Error::sqlite(&self.path, "reading the journal mode"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_gets_the_schema_and_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        let db = Database::open_for_write(path.to_str().unwrap(), DEFAULT_BUSY_TIMEOUT).unwrap();
        assert!(db.created);
        assert_eq!(db.journal_mode().unwrap(), "wal");
        let id: i32 = db.conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
        assert_eq!(id, APPLICATION_ID);
        drop(db);
        let again = Database::open_for_write(path.to_str().unwrap(), DEFAULT_BUSY_TIMEOUT).unwrap();
        assert!(!again.created);
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

    #[test]
    fn read_only_open_of_a_missing_file_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing.db");
        assert!(Database::open_read_only(path.to_str().unwrap()).is_err());
        assert!(!path.exists());
    }
}
