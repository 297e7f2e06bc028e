//! `kbingest sources DB`: the sources loaded into a database, with what each holds.

use crate::error::{Error, Result};
use crate::export::{Output, OutputFormat, SOURCES_SQL, SpreadsheetOptions, write_rows};
use crate::interrupt;
use crate::store::Database;

/// Arguments of `kbingest sources`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The kbingest database; it is opened read-only.
    #[arg(value_name = "DB")]
    pub database: String,

    /// The output format, as for `kbingest query`.
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutputFormat,
}

/// Lists the sources (name, format, encoding, sha256, size, ingested at, services, rules,
/// anomalies) on standard output.
pub fn run(args: Args) -> Result<()> {
    let output = Output::new("sources", None, interrupt::stop())?;
    let db = Database::open_read_only(&args.database, interrupt::stop())?;
    let mut stmt = db.conn.prepare(SOURCES_SQL).map_err(Error::sqlite(&db.path, "listing the sources"))?;
    let options = SpreadsheetOptions { for_terminal: output.is_terminal(), ..SpreadsheetOptions::default() };
    output.write(|out| write_rows(&mut stmt, &db.path, out, args.format, options, "-")).map(drop)
}
