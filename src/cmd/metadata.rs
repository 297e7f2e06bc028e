//! `kbingest metadata DB [-o FILE]`: Datasette metadata for a database, made from the database
//! itself (`datasette ports.db -m metadata.json`).

use crate::error::{Error, Result};
use crate::export::{Output, json_without_terminal_controls, metadata};
use crate::interrupt;
use crate::store::Database;

/// Arguments of `kbingest metadata`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The kbingest database to describe; it is opened read-only.
    #[arg(value_name = "DB")]
    pub database: String,

    /// Write to this file (e.g. metadata.json) instead of standard output; replaced only once
    /// complete.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,
}

/// Writes the metadata as JSON.
pub fn run(args: Args) -> Result<()> {
    let output = Output::new("metadata", args.output.as_deref(), interrupt::stop())?;
    let db = Database::open_read_only(&args.database, interrupt::stop())?;
    let mut text =
        serde_json::to_string_pretty(&metadata(&db)?).map_err(|e| Error::io("write output", "-")(e.into()))?;
    text.push('\n');
    let text = json_without_terminal_controls(text);
    let shown = output.shown();
    output.write(|out| out.write_all(text.as_bytes()).map_err(Error::io("write output", &shown)))
}
