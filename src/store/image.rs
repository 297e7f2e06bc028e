//! The empty database: every migration applied to an empty file at build time (`build.rs`), with
//! the same bundled SQLite. A new database built aside starts as a copy of it: SQLite then reads
//! the finished schema once, instead of parsing and executing every migration, the tables that
//! later ones rebuild and the views they replace (most of a small load's start-up). A database
//! that exists is upgraded through the numbered migrations as before (`migrate.rs`).

use std::fs::File;
use std::io::{self, Write};

/// The bytes of the empty database, schema version [`super::latest_version`].
const EMPTY: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/empty.db"));

/// Writes the empty database into `file`, a new empty file that no other process uses yet.
pub(super) fn write_empty(mut file: &File) -> io::Result<()> {
    file.write_all(EMPTY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrate::{MIGRATIONS, migrate};
    use rusqlite::Connection;
    use rusqlite::types::Value;

    /// Everything a schema is: its `sqlite_schema` rows (but where their pages are), the two
    /// numbers in the header kbingest sets, and the rows of every table (the transports, the
    /// search indexes' configuration).
    type Schema = (Vec<[String; 4]>, i64, i64, Vec<(String, Vec<String>)>);

    fn schema_of(conn: &Connection) -> Schema {
        let objects: Vec<[String; 4]> = conn
            .prepare("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema ORDER BY type, name")
            .unwrap()
            .query_map([], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let number = |pragma: &str| conn.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get::<_, i64>(0)).unwrap();
        let rows = objects
            .iter()
            .filter(|[kind, ..]| kind == "table")
            .map(|[_, name, ..]| {
                let mut statement = conn.prepare(&format!("SELECT * FROM \"{name}\"")).unwrap();
                let width = statement.column_count();
                let mut rows: Vec<String> = statement
                    .query_map([], |r| (0..width).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>())
                    .unwrap()
                    .map(|row| format!("{:?}", row.unwrap()))
                    .collect();
                rows.sort();
                (name.clone(), rows)
            })
            .collect();
        (objects, number("user_version"), number("application_id"), rows)
    }

    fn empty_database(dir: &tempfile::TempDir) -> Connection {
        let path = dir.path().join("new.db");
        write_empty(&File::create_new(&path).unwrap()).unwrap();
        Connection::open(&path).unwrap()
    }

    #[test]
    fn a_new_database_has_the_schema_of_one_upgraded_through_every_migration() {
        let dir = tempfile::tempdir().unwrap();
        let new = schema_of(&empty_database(&dir));
        assert_eq!(new.1, crate::store::latest_version());
        assert_eq!(new.2, i64::from(crate::store::APPLICATION_ID));
        assert!(new.0.iter().any(|[kind, name, ..]| kind == "view" && name == "port_rules"));
        // From every version a database can have: migrated to it one migration at a time (each
        // in its own run of `migrate`, as successive kbingest releases would), then upgraded.
        for version in 0..=MIGRATIONS.len() {
            let conn = Connection::open_in_memory().unwrap();
            conn.pragma_update(None, "foreign_keys", true).unwrap();
            for (index, (_, sql)) in MIGRATIONS[..version].iter().enumerate() {
                conn.execute_batch(sql).unwrap();
                conn.pragma_update(None, "user_version", index as i64 + 1).unwrap();
            }
            migrate(&conn, ":memory:").unwrap();
            assert_eq!(schema_of(&conn), new, "a database upgraded from version {version} differs from a new one");
        }
        // The comparison sees a migration: one short of the last differs.
        let conn = Connection::open_in_memory().unwrap();
        for (_, sql) in &MIGRATIONS[..MIGRATIONS.len() - 1] {
            conn.execute_batch(sql).unwrap();
        }
        let short = schema_of(&conn);
        assert_ne!(short.0, new.0, "the last migration changes no sqlite_schema row");
        assert_ne!(short.1, new.1);
    }

    #[test]
    fn the_empty_database_is_a_plain_sqlite_file_in_rollback_journal_mode() {
        // Bytes 18 and 19 of the header: 1 for the rollback journal, 2 for WAL. The new database
        // is written without a journal and switched to WAL when it is done.
        assert!(EMPTY.starts_with(b"SQLite format 3\0"));
        assert_eq!((EMPTY[18], EMPTY[19]), (1, 1));
        let dir = tempfile::tempdir().unwrap();
        let conn = empty_database(&dir);
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok");
        let sources: i64 = conn.query_row("SELECT count(*) FROM sources", [], |r| r.get(0)).unwrap();
        assert_eq!(sources, 0);
    }
}
