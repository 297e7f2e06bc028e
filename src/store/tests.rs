//! Tests of opening, creating, discarding and stopping a kbingest database.

use super::*;
use std::sync::atomic::{AtomicBool, Ordering};

#[test]
fn a_new_database_gets_the_schema_and_wal_once_its_first_load_ends() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let db = Database::open_for_write(path.to_str().unwrap(), DEFAULT_BUSY_TIMEOUT, Stop::NEVER).unwrap();
    assert!(db.created);
    // A new file waits in rollback-journal mode for its first load.
    assert_eq!(db.journal_mode().unwrap(), "delete");
    assert!(db.begin_first_load().unwrap());
    db.end_first_load();
    assert_eq!(db.journal_mode().unwrap(), "wal");
    let id: i32 = db.conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    assert_eq!(id, APPLICATION_ID);
    drop(db);
    let again = Database::open_for_write(path.to_str().unwrap(), DEFAULT_BUSY_TIMEOUT, Stop::NEVER).unwrap();
    assert!(!again.created);
    assert_eq!(again.journal_mode().unwrap(), "wal");
}

#[test]
fn a_text_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "my notes\n").unwrap();
    let err = Database::open_for_write(path.to_str().unwrap(), DEFAULT_BUSY_TIMEOUT, Stop::NEVER).err().unwrap();
    assert!(err.to_string().contains("is not an SQLite database"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), b"my notes\n");
}

#[test]
fn another_applications_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    Connection::open(&path).unwrap().execute_batch("CREATE TABLE t (x INTEGER);").unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Database::open_for_write(path.to_str().unwrap(), DEFAULT_BUSY_TIMEOUT, Stop::NEVER).err().unwrap();
    assert!(err.to_string().contains("not a kbingest database"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_newer_schema_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    let p = path.to_str().unwrap();
    drop(Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT, Stop::NEVER).unwrap());
    Connection::open(&path).unwrap().pragma_update(None, "user_version", latest_version() + 1).unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT, Stop::NEVER).err().unwrap();
    assert!(err.to_string().contains("newer than"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// Loads an empty source named `name` through `db` and closes it.
fn load_a_source(mut db: Database, name: &str) {
    let mut load = Load::begin(&mut db, false).unwrap();
    let meta = SourceMeta { name: name.into(), format: "text".into(), encoding: "UTF-8".into(), options: "".into() };
    load.source(&meta).unwrap().finish(&"0".repeat(64), 0).unwrap();
    load.commit().unwrap();
}

#[test]
fn a_created_file_is_discarded_only_if_nobody_else_has_it_or_loaded_into_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let p = path.to_str().unwrap();
    // Alone: the file and its companions go.
    let alone = Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT, Stop::NEVER).unwrap();
    assert!(alone.created && alone.discard());
    assert!(!path.exists() && !dir.path().join("new.db-wal").exists());
    // Another writer has it open: it stays.
    let creator = Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT, Stop::NEVER).unwrap();
    let other = Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT, Stop::NEVER).unwrap();
    assert!(creator.created && !other.created);
    assert!(!creator.discard());
    load_a_source(other, "theirs");
    assert!(path.exists());
    std::fs::remove_file(&path).unwrap();
    // Another writer came, loaded a source and went: the file is theirs and stays.
    let creator = Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT, Stop::NEVER).unwrap();
    load_a_source(Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT, Stop::NEVER).unwrap(), "theirs");
    assert!(!creator.discard());
    let kept = Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT, Stop::NEVER).unwrap();
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
    assert!(Database::open_read_only(path.to_str().unwrap(), Stop::NEVER).is_err());
    assert!(!path.exists());
}

static STOP_ASKED: AtomicBool = AtomicBool::new(false);

fn asked() -> Option<i32> {
    STOP_ASKED.load(Ordering::Relaxed).then_some(15)
}

#[test]
fn a_stop_asked_for_before_the_commit_commits_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stopped.db");
    let p = path.to_str().unwrap();
    let mut db = Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT, Stop::new(asked)).unwrap();
    // A first load that defers its indexes to the end, as a bulk load does.
    let mut load = Load::begin(&mut db, true).unwrap();
    let meta = SourceMeta { name: "s".into(), format: "text".into(), encoding: "UTF-8".into(), options: "".into() };
    load.source(&meta).unwrap().finish(&"0".repeat(64), 0).unwrap();
    STOP_ASKED.store(true, Ordering::Relaxed);
    let err = load.commit().unwrap_err();
    assert!(matches!(err, Error::Interrupted { signal: 15 }), "{err}");
    drop(db);
    let conn = Connection::open(&path).unwrap();
    let sources: i64 = conn.query_row("SELECT count(*) FROM sources", [], |r| r.get(0)).unwrap();
    assert_eq!(sources, 0, "nothing was committed");
    let indexes: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL", [], |r| r.get(0))
        .unwrap();
    assert!(indexes > 0, "the indexes dropped for the load are back");
}

fn meta(name: &str) -> SourceMeta {
    SourceMeta { name: name.into(), format: "text".into(), encoding: "UTF-8".into(), options: "".into() }
}

fn source_names(path: &std::path::Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut names = conn.prepare("SELECT name FROM sources ORDER BY name").unwrap();
    names.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
}

fn temp_files(dir: &std::path::Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".new.db.kbingest-"))
        .collect();
    found.sort();
    found
}

#[test]
fn a_new_database_is_built_aside_and_appears_whole_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("doc.txt");
    std::fs::write(&input, "x").unwrap();
    let path = dir.path().join("new.db");
    let inputs = [input.to_string_lossy().into_owned()];
    let mut db = Database::open_for_load(path.to_str().unwrap(), &inputs, DEFAULT_BUSY_TIMEOUT, Stop::NEVER).unwrap();
    db.load(LoadPlan { bulk: false }, |load| {
        assert!(!path.exists(), "nothing under the name before the load ends");
        assert_eq!(temp_files(dir.path()).len(), 1);
        load.source(&meta("mine"))?.finish(&"0".repeat(64), 0).map(|_| ())
    })
    .unwrap();
    drop(db);
    assert_eq!(source_names(&path), ["mine"]);
    assert!(temp_files(dir.path()).is_empty());
    let conn = Connection::open(&path).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_database_made_meanwhile_is_not_replaced_but_loaded_into() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("doc.txt");
    std::fs::write(&input, "x").unwrap();
    let path = dir.path().join("new.db");
    let p = path.to_str().unwrap();
    let inputs = [input.to_string_lossy().into_owned()];
    let mut db = Database::open_for_load(p, &inputs, DEFAULT_BUSY_TIMEOUT, Stop::NEVER).unwrap();
    // Another run makes the database while this one builds its own aside.
    load_a_source(Database::open_for_write(p, DEFAULT_BUSY_TIMEOUT, Stop::NEVER).unwrap(), "theirs");
    let mut runs = 0;
    db.load(LoadPlan { bulk: true }, |load| {
        runs += 1;
        load.source(&meta("mine"))?.finish(&"0".repeat(64), 0).map(|_| ())
    })
    .unwrap();
    drop(db);
    assert_eq!(runs, 2, "loaded aside, then again into the file that appeared");
    assert_eq!(source_names(&path), ["mine", "theirs"]);
    assert!(temp_files(dir.path()).is_empty());
}

#[test]
fn a_temporary_file_left_behind_is_removed_unless_a_run_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let p = path.to_str().unwrap();
    let input = dir.path().join("doc.txt");
    std::fs::write(&input, "x").unwrap();
    let inputs = [input.to_string_lossy().into_owned()];
    let left = dir.path().join(".new.db.kbingest-1-0.tmp");
    std::fs::write(&left, "half a database").unwrap();
    std::fs::write(format!("{}-wal", left.display()), "").unwrap();
    let held = Database::open_for_load(p, &inputs, DEFAULT_BUSY_TIMEOUT, Stop::NEVER).unwrap();
    assert_eq!(temp_files(dir.path()).len(), 1, "the one left behind went, this run's is there");
    // A second run leaves the first one's file alone while that run holds it.
    let second = Database::open_for_load(p, &inputs, DEFAULT_BUSY_TIMEOUT, Stop::NEVER).unwrap();
    assert_eq!(temp_files(dir.path()).len(), 2);
    assert!(held.discard() && second.discard());
    assert!(temp_files(dir.path()).is_empty() && !path.exists());
}

static STOP_ASIDE: AtomicBool = AtomicBool::new(false);

fn asked_aside() -> Option<i32> {
    STOP_ASIDE.load(Ordering::Relaxed).then_some(15)
}

#[test]
fn a_stop_during_a_load_built_aside_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("doc.txt");
    std::fs::write(&input, "x").unwrap();
    let path = dir.path().join("new.db");
    let inputs = [input.to_string_lossy().into_owned()];
    let mut db =
        Database::open_for_load(path.to_str().unwrap(), &inputs, DEFAULT_BUSY_TIMEOUT, Stop::new(asked_aside)).unwrap();
    // A bulk load: its indexes are built at the end, where the stop is noticed.
    let err = db
        .load(LoadPlan { bulk: true }, |load| {
            load.source(&meta("mine"))?.finish(&"0".repeat(64), 0)?;
            STOP_ASIDE.store(true, Ordering::Relaxed);
            Ok(())
        })
        .unwrap_err();
    assert!(matches!(err, Error::Interrupted { signal: 15 }), "{err}");
    assert!(db.discard());
    assert!(!path.exists() && temp_files(dir.path()).is_empty());
}
