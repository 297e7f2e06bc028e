//! The way out of a database: `export` (a table or view), `query` (one read-only statement) and
//! `diff` share one [`RowWriter`]. Every format but `table` streams, so memory does not grow with the rows.

mod cell;
mod datasette;
mod file;
mod listing;
mod query;
mod raw;
mod table;
mod writer;

pub use cell::markdown_text;
pub use datasette::metadata;
pub use file::{FileNames, check_output, write_file};
pub use listing::{SOURCES_SQL, tables_sql};
pub use query::{bind_parameters, prepare_read_only};
pub use raw::write_raw;
pub use writer::{BOM, OutputFormat, RowWriter, SpreadsheetOptions};

use crate::error::{Error, Result};
use crate::store::Database;
use rusqlite::Statement;
use rusqlite::types::ValueRef;
use std::io::Write;

/// A table or view of a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// Its name as the schema spells it.
    pub name: String,
    /// Whether it is a view (else a table).
    pub is_view: bool,
}

/// The tables and views of a database, views first, each group by name; SQLite's own tables
/// (`sqlite_...`) and the full-text search indexes (virtual tables and their shadow tables) are
/// left out.
pub fn relations(db: &Database) -> Result<Vec<Relation>> {
    let sql = "SELECT name, type = 'view' FROM pragma_table_list
               WHERE schema = 'main' AND type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
               ORDER BY type = 'view' DESC, name";
    let mut stmt = db.conn.prepare(sql).map_err(Error::sqlite(&db.path, "listing the tables and views"))?;
    let rows = stmt
        .query_map([], |r| Ok(Relation { name: r.get(0)?, is_view: r.get(1)? }))
        .map_err(Error::sqlite(&db.path, "listing the tables and views"))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Error::sqlite(&db.path, "listing the tables and views"))
}

/// The table or view called `name` (SQLite names ignore ASCII case). An unknown name is an error
/// that lists the names there are.
pub fn find_relation(db: &Database, name: &str) -> Result<Relation> {
    let all = relations(db)?;
    if let Some(found) = all.iter().find(|r| r.name.eq_ignore_ascii_case(name)) {
        return Ok(found.clone());
    }
    let list = |views: bool| {
        let names: Vec<&str> = all.iter().filter(|r| r.is_view == views).map(|r| r.name.as_str()).collect();
        if names.is_empty() { "none".to_string() } else { names.join(", ") }
    };
    Err(Error::database(
        &db.path,
        format!("has no table or view named `{name}`; views: {}; tables: {}", list(true), list(false)),
        "name one of them, e.g. `kbingest export DB port_rules`",
    ))
}

/// Writes every row of a table or view; returns how many rows were written.
pub fn export_relation(
    db: &Database,
    relation: &Relation,
    out: impl Write,
    format: OutputFormat,
    options: SpreadsheetOptions,
    output: &str,
) -> Result<u64> {
    let sql = format!("SELECT * FROM \"{}\"", relation.name.replace('"', "\"\""));
    let context = format!("reading {}", relation.name);
    let mut stmt = db.conn.prepare(&sql).map_err(Error::sqlite(&db.path, context))?;
    write_rows(&mut stmt, &db.path, out, format, options, output)
}

/// Runs a prepared statement, with the parameters already bound to it, and writes its rows;
/// returns how many rows were written. `database` and `output` name the two ends in error
/// messages; a closed output becomes [`Error::BrokenPipe`].
pub fn write_rows(
    stmt: &mut Statement<'_>,
    database: &str,
    out: impl Write,
    format: OutputFormat,
    options: SpreadsheetOptions,
    output: &str,
) -> Result<u64> {
    let columns: Vec<String> = stmt.column_names().map(String::from).collect();
    let mut writer = RowWriter::new(out, format, options, &columns).map_err(Error::io("write output", output))?;
    let mut rows = stmt.raw_query();
    let mut count = 0;
    let refused_or = |e: rusqlite::Error| {
        // SQLite itself refuses what it is not allowed to do at run time (load_extension).
        if e.to_string().contains("not authorized") {
            return Error::database(
                database,
                "refused: the query calls something SQLite is not allowed to run here (such as load_extension)",
                "`kbingest query` only reads; the database was left unchanged",
            );
        }
        Error::sqlite(database, "reading a row")(e)
    };
    while let Some(row) = rows.next().map_err(refused_or)? {
        let cells: Vec<ValueRef<'_>> = (0..columns.len())
            .map(|i| row.get_ref(i))
            .collect::<rusqlite::Result<_>>()
            .map_err(Error::sqlite(database, "reading a row"))?;
        writer.write_row(&cells).map_err(Error::io("write output", output))?;
        count += 1;
    }
    writer.finish().map_err(Error::io("write output", output))?;
    Ok(count)
}
