//! `kbingest metadata DB [-o FILE]`: Datasette metadata for a database, made from the database
//! itself (`datasette ports.db -m metadata.json`).

use crate::error::{Error, Result};
use crate::export::{metadata, write_file};
use crate::store::Database;
use std::io::Write;
use std::path::Path;

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
    let db = Database::open_read_only(&args.database, crate::interrupt::stop())?;
    let mut text =
        serde_json::to_string_pretty(&metadata(&db)?).map_err(|e| Error::io("write output", "-")(e.into()))?;
    text.push('\n');
    match args.output.as_deref().filter(|o| *o != "-") {
        None => std::io::stdout().write_all(text.as_bytes()).map_err(Error::io("write output", "-")),
        Some(path) => write_file(Path::new(path), |out| {
            out.write_all(text.as_bytes()).map_err(Error::io("write the output file", path))
        }),
    }
}
