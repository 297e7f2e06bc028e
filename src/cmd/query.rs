//! `kbingest query DB "SQL"`: one read-only SQL statement, its rows as a table, CSV, TSV, JSON,
//! JSON Lines or a Markdown table on standard output.

use crate::error::{Error, Result};
use crate::export::{Format, SpreadsheetOptions, prepare_read_only, write_rows};
use crate::stop::Stop;
use crate::store::Database;
use std::io::{BufWriter, Write};

/// Arguments of `kbingest query`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The kbingest database to query; it is opened read-only and never created.
    #[arg(value_name = "DB")]
    pub database: String,

    /// One SQL statement that reads, e.g. "SELECT * FROM services_by_port WHERE port_low = 135".
    /// Statements that would write, change the schema, ATTACH a file, VACUUM INTO a file or set a
    /// PRAGMA are refused.
    #[arg(value_name = "SQL")]
    pub sql: String,

    /// The output format: table (aligned columns; holds the rows in memory to align them), or
    /// csv, tsv, json, jsonl, markdown (a GitHub table) (streamed).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Runs the query and writes its rows to standard output.
pub fn run(args: Args) -> Result<()> {
    let mut db = Database::open_read_only(&args.database, Stop::NEVER)?;
    let path = db.path.clone();
    let mut stmt = prepare_read_only(&mut db, &args.sql)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    write_rows(&mut stmt, &path, &mut out, args.format, SpreadsheetOptions::default(), "-")?;
    out.flush().map_err(Error::io("write output", "-"))
}
