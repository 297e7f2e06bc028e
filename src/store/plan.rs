//! The speed policy of a load, in one place: whether a load is a bulk load, whether a first load
//! leaves WAL mode for the rollback journal, and which indexes and search triggers it builds at
//! its end instead of keeping them up to date row by row. Ingest only asks [`Database::load`].

use super::{Database, Load, LoadStage};
use crate::error::{Error, Result};
use rusqlite::Transaction;

/// Inputs this large together (or of unknown size: standard input) are loaded as a bulk load.
const BULK_BYTES: u64 = 8 << 20;

/// How a load goes fast, decided from its inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadPlan {
    /// The inputs are large (or of unknown size): a first load builds the indexes and search
    /// triggers of the loaded tables at its end. A small load would be slower for it.
    pub bulk: bool,
}

impl LoadPlan {
    /// The plan for loading `inputs` (paths, `-` for standard input).
    pub fn for_inputs(inputs: &[String]) -> LoadPlan {
        let mut total = 0u64;
        for path in inputs {
            match std::fs::metadata(path) {
                Ok(meta) if meta.is_file() => total = total.saturating_add(meta.len()),
                // Standard input, a pipe, or a missing file (which fails soon with its own message).
                _ => return LoadPlan { bulk: path == "-" },
            }
        }
        LoadPlan { bulk: total >= BULK_BYTES }
    }

    /// Whether a load of `inputs` into `target` builds a new database aside (see `aside.rs`):
    /// when nothing of that name exists yet, and every input is a regular file, which can be read
    /// again should another run create the target meanwhile.
    pub fn builds_aside(target: &str, inputs: &[String]) -> bool {
        let absent = matches!(std::fs::symlink_metadata(target), Err(e) if e.kind() == std::io::ErrorKind::NotFound);
        absent && !inputs.is_empty() && inputs.iter().all(|i| std::fs::metadata(i).is_ok_and(|m| m.is_file()))
    }
}

impl Database {
    /// Runs one load, `body`, in one write transaction under `plan`, and commits it if `body`
    /// succeeds. A database built aside (see `aside.rs`) is written without a journal, with its
    /// indexes built at its end (whatever the load's size), and renamed onto its name after the commit; should
    /// another run have made a file of that name meanwhile, `body` runs again, into that file.
    /// Into an existing database, a large first load pays for its set-up (switching journal
    /// modes, dropping and building indexes); a small one would be slower for it, except into a
    /// file this run created, which is still in rollback-journal mode and goes to WAL at the end
    /// either way.
    pub fn load<T>(&mut self, plan: LoadPlan, body: impl FnMut(&mut Load<'_>) -> Result<T>) -> Result<T> {
        self.load_in_stages(plan, &|_| {}, body)
    }

    /// [`Database::load`], saying each stage of the load's end as it starts (see
    /// [`Load::commit_in_stages`]).
    pub fn load_in_stages<T>(
        &mut self,
        plan: LoadPlan,
        stage: &dyn Fn(LoadStage),
        mut body: impl FnMut(&mut Load<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut commit = |db: &mut Database, defer: bool| {
            Load::begin(db, defer).and_then(|mut load| {
                let value = body(&mut load)?;
                load.commit_in_stages(stage)?;
                Ok(value)
            })
        };
        if self.is_aside() {
            let busy_timeout = self.aside.as_ref().map_or(super::DEFAULT_BUSY_TIMEOUT, |a| a.busy_timeout);
            // Whatever its size, a load into a new database builds its indexes and search
            // indexes at its end: with the search triggers in place, each statement that fires one
            // flushes the search index to disk, which on raw/ports.txt cost more than the
            // schema, the indexes and the `rebuild`s together (47 against 38 million instructions).
            let value = commit(self, true)?;
            if self.publish()? {
                return Ok(value);
            }
            *self = Database::open_for_write(&self.path, busy_timeout, self.stop)?;
        }
        let rollback_journal = (plan.bulk || self.created) && self.begin_first_load()?;
        let loaded = commit(self, rollback_journal && plan.bulk);
        if rollback_journal {
            self.end_first_load();
        }
        loaded
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
        // Leaving WAL mode would checkpoint another program's WAL into the file before the load
        // has even begun: a refused load must leave it as it was.
        if !first || self.foreign_wal {
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
}

/// The tables whose indexes (and search indexes) a first load builds at its end.
const LOADED_TABLES: &str = "'services', 'service_ports', 'anomaly_log'";

/// In a first load (a database without sources), drops the indexes of the loaded tables, and the
/// triggers that keep the full-text search indexes in step with them, and returns the SQL that
/// builds them again before the commit: built once from all the rows, sorted, indexes cost a
/// fraction of keeping them up to date row by row, and a search index's `rebuild` half of what
/// its triggers cost. Nothing is deleted during a first load (an ingest names each source once),
/// so no deletion needs them. Inside the transaction: a failed load rolls the drop back with
/// everything else.
pub(super) fn drop_indexes_of_first_load(tx: &Transaction<'_>, path: &str) -> Result<Vec<String>> {
    let first_load: bool = tx
        .query_row("SELECT NOT EXISTS (SELECT 1 FROM sources)", [], |r| r.get(0))
        .map_err(Error::sqlite(path, "counting sources"))?;
    if !first_load {
        return Ok(Vec::new());
    }
    let read = |sql: &str| -> Result<Vec<(String, String, String)>> {
        tx.prepare(sql)
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
            .map_err(Error::sqlite(path, "reading the schema"))
    };
    let deferrable = read(&format!(
        "SELECT type, name, sql FROM sqlite_schema WHERE type IN ('index', 'trigger') AND sql IS NOT NULL
           AND tbl_name IN ({LOADED_TABLES}) ORDER BY type = 'trigger'"
    ))?;
    let search_indexes = read(
        "SELECT type, name, sql FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%'",
    )?;
    let (mut deferred, mut triggers) = (Vec::new(), Vec::new());
    for (kind, name, sql) in deferrable {
        tx.execute_batch(&format!("DROP {} \"{name}\"", kind.to_uppercase()))
            .map_err(Error::sqlite(path, format!("deferring the {kind} {name}")))?;
        if kind == "trigger" { triggers.push(sql) } else { deferred.push(sql) }
    }
    if !triggers.is_empty() {
        // Before the triggers come back, each search index reads every row once.
        for (_, index, _) in search_indexes {
            deferred.push(format!("INSERT INTO \"{index}\" (\"{index}\") VALUES ('rebuild')"));
        }
    }
    deferred.extend(triggers);
    Ok(deferred)
}
