//! `kbingest tables DB [--counts]`: the tables and views of a database, like `sqlite-utils tables`.

use crate::error::{Error, Result};
use crate::export::{Output, OutputFormat, SpreadsheetOptions, relations, tables_sql, write_rows};
use crate::interrupt;
use crate::store::Database;

/// Arguments of `kbingest tables`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The kbingest database; it is opened read-only.
    #[arg(value_name = "DB")]
    pub database: String,

    /// Count the rows of each table and view too.
    #[arg(long)]
    pub counts: bool,

    /// The output format, as for `kbingest query`.
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutputFormat,
}

/// Lists the views, then the tables, each by name (the full-text search indexes are left out).
pub fn run(args: Args) -> Result<()> {
    let output = Output::new("tables", None, interrupt::stop())?;
    let db = Database::open_read_only(&args.database, interrupt::stop())?;
    let sql = tables_sql(&relations(&db)?, args.counts);
    let mut stmt = db.conn.prepare(&sql).map_err(Error::sqlite(&db.path, "listing the tables and views"))?;
    let options = SpreadsheetOptions { for_terminal: output.is_terminal(), ..SpreadsheetOptions::default() };
    output.write(|out| write_rows(&mut stmt, &db.path, out, args.format, options, "-")).map(drop)
}
