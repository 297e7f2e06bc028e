//! Opening a database for reading only, wherever it lies: a read-only folder, a file left by an
//! interrupted load. SQLite needs to write beside a database even to read it in WAL mode (its
//! `-shm` index), and a reader cannot roll back a load that was cut short; each case gets either a
//! way to read the file as it is on disk or a message that says what to do.

use crate::error::{Error, Result};
use rusqlite::{Connection, ErrorCode, OpenFlags};

/// Refuses, with what it is, a path that is not a regular file.
pub(super) fn check_file(path: &str) -> Result<()> {
    let name_one = "name a database made by `kbingest ... -o DB`";
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::database(path, "does not exist", name_one));
        }
        Err(e) => return Err(Error::io("open the database", path)(e)),
    };
    if meta.is_dir() {
        return Err(Error::database(path, "is a directory, not a database", name_one));
    }
    if !meta.is_file() {
        return Err(Error::database(path, "is not a regular file (a FIFO, device or socket)", name_one));
    }
    Ok(())
}

/// Opens `path` read-only, as SQLite normally does (seeing a reader's WAL).
pub(super) fn open(path: &str) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Connection::open_with_flags(path, flags).map_err(Error::sqlite(path, "opening the database"))
}

/// After the first read of `path` failed with `first`: the file opened as it is on disk, where
/// that reads exactly what is committed (no journal and no write-ahead log beside it), or an error
/// that says why it cannot be read.
pub(super) fn open_immutable(path: &str, first: Error) -> Result<Connection> {
    if !cannot_write_beside(&first) {
        return Err(first);
    }
    if holds_bytes(&format!("{path}-journal")) {
        return Err(Error::database(
            path,
            "holds a load that was cut short (a journal is beside it), which only a writer can roll back",
            "run any ingest into it, or open it with write access (e.g. `sqlite3 DB 'PRAGMA quick_check'`), \
             and try again",
        ));
    }
    if holds_bytes(&format!("{path}-wal")) {
        return Err(Error::database(
            path,
            "cannot be read here: its write-ahead log is beside it and SQLite cannot write its index in this folder",
            "copy the database with its -wal file to a folder you can write to, or give write access to this one",
        ));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    Connection::open_with_flags(immutable_uri(path), flags).map_err(Error::sqlite(path, "opening the database"))
}

/// Whether a read failed because SQLite could not write (or create) a file beside the database.
fn cannot_write_beside(e: &Error) -> bool {
    matches!(
        e,
        Error::Sqlite { source: rusqlite::Error::SqliteFailure(f, _), .. }
            if matches!(f.code, ErrorCode::ReadOnly | ErrorCode::CannotOpen)
    )
}

fn holds_bytes(path: &str) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() > 0)
}

/// `file:PATH?immutable=1`, with the path's special characters escaped.
fn immutable_uri(path: &str) -> String {
    let mut uri = String::from("file:");
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_escape_what_would_end_the_path() {
        assert_eq!(immutable_uri("a b/x?.db"), "file:a%20b/x%3F.db?immutable=1");
    }
}
