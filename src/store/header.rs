//! Is this file a kbingest database? Judged first by its first 100 bytes, before SQLite opens it
//! (SQLite may write to a database it opens, a checkpoint on close, and a refused file must stay
//! untouched), then by what SQLite reads in it.

use super::{APPLICATION_ID, latest_version};
use crate::error::{Error, Result};
use rusqlite::Connection;
use std::io::Read;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// The fixed-size header at the start of every SQLite database file.
const HEADER_BYTES: usize = 100;

fn header_u32(header: &[u8; HEADER_BYTES], at: usize) -> u32 {
    u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
}

/// Refuses, from the file's first bytes and without letting SQLite open it (which could write
/// to it), a file that is not an SQLite database, another application's database, or a
/// kbingest database newer than this binary. An empty file passes: it is a new database.
/// `untouched` is what the refusal tells the user to do.
pub(super) fn check_header(path: &str, untouched: &str) -> Result<()> {
    let mut bytes = Vec::with_capacity(HEADER_BYTES);
    let file = std::fs::File::open(path).map_err(Error::io("open the database", path))?;
    file.take(HEADER_BYTES as u64).read_to_end(&mut bytes).map_err(Error::io("read the database", path))?;
    if bytes.is_empty() {
        return Ok(());
    }
    let Ok(header) = <[u8; HEADER_BYTES]>::try_from(bytes.as_slice()) else {
        return Err(Error::database(path, "is not an SQLite database", untouched));
    };
    if !header.starts_with(SQLITE_MAGIC) {
        return Err(Error::database(path, "is not an SQLite database", untouched));
    }
    // Offsets from SQLite's file format: schema cookie 40, user_version 60, application_id 68.
    let (schema_cookie, version, app_id) = (header_u32(&header, 40), header_u32(&header, 60), header_u32(&header, 68));
    // kbingest sets its application_id in the transaction that creates its first table, so a
    // file with tables and no application_id is someone else's.
    if (app_id != 0 && app_id != APPLICATION_ID as u32) || (app_id == 0 && schema_cookie != 0) {
        return Err(Error::database(path, "is an SQLite database, but not a kbingest database", untouched));
    }
    if app_id == APPLICATION_ID as u32 && i64::from(version) > latest_version() {
        return Err(newer(path, i64::from(version)));
    }
    Ok(())
}

pub(super) fn newer(path: &str, version: i64) -> Error {
    Error::database(
        path,
        format!("has schema version {version}, newer than the {} this kbingest knows", latest_version()),
        "use a newer kbingest with this database; it was left untouched",
    )
}

/// What a refused file's user is told, by what kbingest was asked to do with it: load into it
/// (named with `-o`), change it (`remove`), or read it (`query`, `export`, ...).
pub(super) const LOAD_HINT: &str = "name a new file or a kbingest database with -o; the file was left untouched";
pub(super) const CHANGE_HINT: &str = "name a database made by `kbingest INPUT... -o DB`; the file was left untouched";
pub(super) const READ_HINT: &str = CHANGE_HINT;

/// Refuses a database that is another application's, or newer than this kbingest knows.
pub(super) fn check_identity(conn: &Connection, path: &str, untouched: &str) -> Result<i64> {
    // One statement, so one snapshot: another process may be committing the first migration.
    let (app_id, version, objects): (i32, i64, i64) = conn
        .query_row(
            "SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version),
                    (SELECT count(*) FROM sqlite_schema)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(not_a_database(path))?;
    let fresh = app_id == 0 && version == 0 && objects == 0;
    if app_id != APPLICATION_ID && !fresh {
        return Err(Error::database(path, "is an SQLite database, but not a kbingest database", untouched));
    }
    if version > latest_version() {
        return Err(newer(path, version));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(bytes: &[u8]) -> Result<()> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, bytes).unwrap();
        check_header(path.to_str().unwrap(), "hint")
    }

    fn header(schema_cookie: u32, version: u32, app_id: u32) -> Vec<u8> {
        let mut bytes = SQLITE_MAGIC.to_vec();
        bytes.resize(HEADER_BYTES, 0);
        bytes[40..44].copy_from_slice(&schema_cookie.to_be_bytes());
        bytes[60..64].copy_from_slice(&version.to_be_bytes());
        bytes[68..72].copy_from_slice(&app_id.to_be_bytes());
        bytes
    }

    #[test]
    fn each_kind_of_file_is_judged_from_its_header() {
        let ours = APPLICATION_ID as u32;
        assert!(judged(b"").is_ok(), "an empty file is a new database");
        assert!(judged(&header(0, 0, 0)).is_ok(), "a database without tables yet");
        assert!(judged(&header(3, 1, ours)).is_ok());
        let refused = |bytes: &[u8], what: &str| {
            let err = judged(bytes).unwrap_err().to_string();
            assert!(err.contains(what), "{err}");
        };
        refused(b"hello", "is not an SQLite database");
        refused(&SQLITE_MAGIC[..], "is not an SQLite database");
        refused(&header(3, 0, 0), "not a kbingest database");
        refused(&header(3, 1, 42), "not a kbingest database");
        refused(&header(3, 99, ours), "has schema version 99, newer than");
    }
}
