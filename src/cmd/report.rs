//! `kbingest report DB [--source S]... -o FILE.html`: one self-contained HTML page with a port
//! map, each service's rules and the anomalies, with their document lines, and, for two sources,
//! what changed between them.

use crate::cmd::messages::say;
use crate::error::{Error, Result};
use crate::export::{check_output, write_file};
use crate::report;
use crate::store::Database;
use std::io::Write;
use std::path::Path;

/// Arguments of `kbingest report`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The kbingest database to report on; it is opened read-only.
    #[arg(value_name = "DB")]
    pub database: String,

    /// A source to show, named as ingested (repeatable; without it, every source). Given twice,
    /// the page also shows what changed from the first to the second.
    #[arg(long = "source", value_name = "NAME")]
    pub sources: Vec<String>,

    /// The HTML file to write; it is replaced only once complete.
    #[arg(short, long, value_name = "FILE.html", required = true)]
    pub output: String,

    /// Print nothing on standard error unless something goes wrong.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Writes the page.
pub fn run(args: Args) -> Result<()> {
    let path = Path::new(&args.output);
    check_output(path)?;
    let db = Database::open_read_only(&args.database, crate::interrupt::stop())?;
    let report = report::gather(&db, &args.sources)?;
    let page = report::html(&report);
    write_file(path, |out| out.write_all(page.as_bytes()).map_err(Error::io("write the report", &args.output)))?;
    if !args.quiet {
        let changes = if report.diff.is_some() { " and what changed" } else { "" };
        say(&format!(
            "report of {}{changes} -> {} ({} KiB, no script, nothing loaded from elsewhere)",
            crate::cmd::count_of(report.sources.len() as u64, "source", "sources"),
            args.output,
            page.len().div_ceil(1024)
        ));
    }
    Ok(())
}
