//! The read-only guard of `kbingest query`. Three locks, each enough for most statements: the
//! connection is opened read-only; an authorizer refuses, while the statement is prepared, every
//! action that is not a read (ATTACH, a PRAGMA that sets, DDL, DML, transactions); and SQLite's
//! own verdict (`sqlite3_stmt_readonly`) refuses the rest, such as `VACUUM INTO`, which writes a
//! new file.

use crate::error::{Error, Result};
use crate::store::Database;
use rusqlite::Statement;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// PRAGMAs that take an argument naming what to read about, and only read.
const READING_PRAGMAS_WITH_ARGUMENT: &[&str] = &[
    "table_info",
    "table_xinfo",
    "table_list",
    "index_info",
    "index_xinfo",
    "index_list",
    "foreign_key_list",
    "foreign_key_check",
    "integrity_check",
    "quick_check",
];

/// PRAGMAs without an argument that act rather than read.
const ACTING_PRAGMAS: &[&str] = &["wal_checkpoint", "optimize", "incremental_vacuum", "shrink_memory"];

const HINT: &str = "`kbingest query` only reads; the database was left unchanged";

/// SQLite's schema tables: writing them is what CREATE, DROP and ALTER do first.
const SCHEMA_TABLES: &[&str] = &["sqlite_master", "sqlite_temp_master", "sqlite_schema", "sqlite_temp_schema"];

/// Prepares one SQL statement that can only read the database. Anything else (a second
/// statement, a write, a schema change, ATTACH, a PRAGMA that sets, VACUUM INTO) is refused with
/// a message saying what it would have done; nothing runs.
pub fn prepare_read_only<'db>(db: &'db mut Database, sql: &str) -> Result<Statement<'db>> {
    let refusal: Arc<Mutex<Option<String>>> = Arc::default();
    let seen = Arc::clone(&refusal);
    // A reading PRAGMA (`PRAGMA journal_mode`) is not "read-only" to SQLite; the authorizer knows it reads.
    let reading_pragma = Arc::new(AtomicBool::new(false));
    let pragma_seen = Arc::clone(&reading_pragma);
    db.conn
        .authorizer(Some(move |context: AuthContext<'_>| match refusal_of(&context.action) {
            None => {
                if matches!(context.action, AuthAction::Pragma { .. }) {
                    pragma_seen.store(true, Ordering::Relaxed);
                }
                Authorization::Allow
            }
            Some(reason) => {
                if let Ok(mut first) = seen.lock() {
                    first.get_or_insert(reason);
                }
                Authorization::Deny
            }
        }))
        .map_err(Error::sqlite(&db.path, "installing the read-only guard"))?;
    let db: &'db Database = db;
    let refused = |reason: String| Error::database(&db.path, format!("refused: the query would {reason}"), HINT);
    let stmt = db.conn.prepare(sql).map_err(|e| {
        if let Some(reason) = refusal.lock().ok().and_then(|mut r| r.take()) {
            return refused(reason);
        }
        match e {
            rusqlite::Error::MultipleStatement => Error::database(
                &db.path,
                "refused: the query holds more than one SQL statement",
                "run one statement at a time",
            ),
            rusqlite::Error::Empty => {
                Error::Usage("the query is empty: give one SQL statement, e.g. \"SELECT * FROM port_rules\"".into())
            }
            e => Error::database(
                &db.path,
                format!("the query cannot run: {e}"),
                "check the SQL; `kbingest tables DB` lists the tables and views",
            ),
        }
    })?;
    if !stmt.readonly() && !reading_pragma.load(Ordering::Relaxed) {
        return Err(refused("write to the database or to another file".into()));
    }
    Ok(stmt)
}

/// Binds `-p NAME VALUE` pairs to the statement's named parameters (`:NAME`, `@NAME` or `$NAME`),
/// as text. A name the statement lacks, a parameter left without a value, and a positional `?`
/// parameter are usage errors: SQLite would quietly read them as NULL.
pub fn bind_parameters(stmt: &mut Statement<'_>, params: &[(&str, &str)], database: &str) -> Result<()> {
    let names: Vec<String> =
        (1..=stmt.parameter_count()).filter_map(|i| stmt.parameter_name(i).map(String::from)).collect();
    if names.len() < stmt.parameter_count() {
        return Err(Error::Usage(
            "the query has a positional parameter (`?`): name it, e.g. `:port`, and give it with -p port VALUE".into(),
        ));
    }
    let mut bound = vec![false; names.len()];
    for (name, value) in params {
        let index = names.iter().position(|n| n == name || (n.len() > 1 && &n[1..] == *name));
        let Some(index) = index else {
            let known =
                if names.is_empty() { "it has none".to_string() } else { format!("it has {}", names.join(", ")) };
            return Err(Error::Usage(format!("-p {name}: the query has no parameter :{name}; {known}")));
        };
        stmt.raw_bind_parameter(index + 1, *value).map_err(Error::sqlite(database, format!("binding :{name}")))?;
        bound[index] = true;
    }
    if let Some(missing) = names.iter().zip(&bound).find(|(_, b)| !**b).map(|(n, _)| n) {
        return Err(Error::Usage(format!(
            "the query's parameter {missing} has no value: give it one with -p {} VALUE",
            &missing[1..]
        )));
    }
    Ok(())
}

/// Why an action is refused, as words that follow "the query would"; `None` for a read.
fn refusal_of(action: &AuthAction<'_>) -> Option<String> {
    let reason = match *action {
        AuthAction::Select | AuthAction::Read { .. } | AuthAction::Function { .. } | AuthAction::Recursive => {
            return None;
        }
        AuthAction::Pragma { pragma_name, pragma_value } => {
            let name = pragma_name.to_ascii_lowercase();
            match pragma_value {
                None if !ACTING_PRAGMAS.contains(&name.as_str()) => return None,
                Some(_) if READING_PRAGMAS_WITH_ARGUMENT.contains(&name.as_str()) => return None,
                None => format!("run PRAGMA {pragma_name}, which acts on the database"),
                Some(value) => format!("set PRAGMA {pragma_name} to {value}"),
            }
        }
        AuthAction::Attach { filename } => format!("attach the file `{filename}`"),
        AuthAction::Detach { database_name } => format!("detach `{database_name}`"),
        AuthAction::Insert { table_name }
        | AuthAction::Update { table_name, .. }
        | AuthAction::Delete { table_name }
            if SCHEMA_TABLES.contains(&table_name) =>
        {
            "change the schema (create, alter or drop a table, view, index or trigger)".into()
        }
        AuthAction::Insert { table_name } => format!("insert rows into `{table_name}`"),
        AuthAction::Update { table_name, .. } => format!("update rows of `{table_name}`"),
        AuthAction::Delete { table_name } => format!("delete rows from `{table_name}`"),
        AuthAction::CreateTable { table_name } | AuthAction::CreateTempTable { table_name } => {
            format!("create the table `{table_name}`")
        }
        AuthAction::DropTable { table_name } | AuthAction::DropTempTable { table_name } => {
            format!("drop the table `{table_name}`")
        }
        AuthAction::CreateView { view_name } | AuthAction::CreateTempView { view_name } => {
            format!("create the view `{view_name}`")
        }
        AuthAction::DropView { view_name } | AuthAction::DropTempView { view_name } => {
            format!("drop the view `{view_name}`")
        }
        AuthAction::AlterTable { table_name, .. } => format!("alter the table `{table_name}`"),
        AuthAction::Transaction { .. } | AuthAction::Savepoint { .. } => "begin or end a transaction".into(),
        _ => "change the database".into(),
    };
    Some(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pass_and_everything_else_is_refused_with_its_reason() {
        assert_eq!(refusal_of(&AuthAction::Select), None);
        assert_eq!(refusal_of(&AuthAction::Read { table_name: "services", column_name: "title" }), None);
        assert_eq!(refusal_of(&AuthAction::Function { function_name: "count" }), None);
        let pragma = |name, value| AuthAction::Pragma { pragma_name: name, pragma_value: value };
        assert_eq!(refusal_of(&pragma("user_version", None)), None);
        assert_eq!(refusal_of(&pragma("table_info", Some("port_rules"))), None);
        assert_eq!(refusal_of(&pragma("user_version", Some("7"))).unwrap(), "set PRAGMA user_version to 7");
        assert!(refusal_of(&pragma("WAL_CHECKPOINT", None)).unwrap().contains("acts on"));
        assert_eq!(refusal_of(&AuthAction::Attach { filename: "x.db" }).unwrap(), "attach the file `x.db`");
        assert_eq!(refusal_of(&AuthAction::Delete { table_name: "sources" }).unwrap(), "delete rows from `sources`");
        assert!(
            refusal_of(&AuthAction::Insert { table_name: "sqlite_master" }).unwrap().starts_with("change the schema")
        );
        assert_eq!(refusal_of(&AuthAction::Reindex { index_name: "i" }).unwrap(), "change the database");
    }
}
