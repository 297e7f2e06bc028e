//! Builds the empty database that kbingest copies to create a new database (`src/store/image.rs`):
//! every migration of `migrations/`, in the order of their names, applied to an empty SQLite file
//! by the same SQLite kbingest bundles. Creating a database from it costs SQLite one reading of
//! the finished schema, where running the migrations parses and rebuilds every step of its history.

use rusqlite::{Connection, TransactionBehavior};
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rerun-if-changed=migrations");
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("empty.db");
    if let Err(e) = build_image(Path::new("migrations"), &out) {
        panic!("building the empty database from migrations/: {e}");
    }
}

/// Applies every `.sql` file of `dir`, in name order, to a new database at `out`, recording the
/// version after each as `migrate` does (`PRAGMA user_version` = how many are applied).
fn build_image(dir: &Path, out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    files.retain(|p| p.extension().is_some_and(|e| e == "sql"));
    files.sort();
    for file in &files {
        println!("cargo::rerun-if-changed={}", file.display());
    }
    let _ = std::fs::remove_file(out);
    let mut conn = Connection::open(out)?;
    // As `migrate` runs them: foreign keys off (a migration may rebuild a referenced table), one
    // transaction.
    conn.pragma_update(None, "foreign_keys", false)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for (index, file) in files.iter().enumerate() {
        let sql = std::fs::read_to_string(file)?;
        tx.execute_batch(&sql).map_err(|e| format!("{}: {e}", file.display()))?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    if broken > 0 {
        return Err(format!("{broken} broken reference(s) after the migrations").into());
    }
    tx.commit()?;
    conn.close().map_err(|(_, e)| e)?;
    Ok(())
}
