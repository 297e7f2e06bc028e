//! `kbingest diff DB OLD NEW`: what changed between two sources (editions of a port reference),
//! one row per port rule, or a Markdown report.

use crate::cmd::messages::say;
use crate::diff::report::{self, Report};
use crate::diff::{self, TitlePair};
use crate::error::{Error, Result};
use crate::export::{Output, OutputFormat, SpreadsheetOptions};
use crate::interrupt;
use crate::store::Database;

/// Arguments of `kbingest diff`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The kbingest database that holds both sources; it is opened read-only.
    #[arg(value_name = "DB")]
    pub database: String,

    /// The older source, by its name in the database (the path as ingested, or --source-name).
    #[arg(value_name = "OLD")]
    pub old: String,

    /// The newer source, by its name in the database.
    #[arg(value_name = "NEW")]
    pub new: String,

    /// The output format: table (aligned columns), csv, tsv, json, jsonl (one row per port rule),
    /// or markdown (a report grouped by service, changed services first, counts at the top).
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutputFormat,

    /// Pair a service of OLD with one of NEW whose titles and system service names differ, e.g.
    /// --match 'SSDP Discovery Service=Simple Service Discovery Protocol (SSDP) Discovery Service'.
    /// Repeatable; titles ignore case, punctuation and white space.
    #[arg(long = "match", value_name = "OLD TITLE=NEW TITLE")]
    pub matches: Vec<TitlePair>,

    /// Leave out the unchanged rules.
    #[arg(long)]
    pub changes_only: bool,

    /// Exit with status 1 when anything differs (0 when nothing does), like `git diff --exit-code`.
    #[arg(long)]
    pub exit_code: bool,

    /// Write to this file instead of standard output; it is replaced only once complete.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,

    /// Start with a UTF-8 byte-order mark, which Excel needs to read UTF-8 (CSV and TSV only).
    #[arg(long)]
    pub bom: bool,

    /// Prefix `'` to text cells that start with =, +, -, @, tab or carriage return, so that a
    /// spreadsheet shows them instead of running them as formulas (CSV and TSV only).
    #[arg(long)]
    pub excel_safe: bool,

    /// No summary on standard error.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Compares the two sources and writes the result.
pub fn run(args: Args) -> Result<()> {
    if (args.bom || args.excel_safe) && !args.format.is_delimited() {
        return Err(Error::Usage("--bom and --excel-safe are for --format csv and tsv".into()));
    }
    let output = Output::new("diff", args.output.as_deref(), interrupt::stop())?;
    let db = Database::open_read_only(&args.database, interrupt::stop())?;
    let old = diff::read::read_source(&db, &args.old)?;
    let new = diff::read::read_source(&db, &args.new)?;
    let comparison = diff::compare(&old, &new, &args.matches).map_err(|unknown| {
        let source = if unknown.old { &args.old } else { &args.new };
        Error::database(
            &db.path,
            format!("--match: source `{source}` has no service titled `{}` (or it was matched already)", unknown.title),
            format!(
                "its titles are listed by `kbingest query {} \"SELECT DISTINCT service FROM port_rules WHERE source = '{}'\"`",
                db.path,
                source.replace('\'', "''")
            ),
        )
    })?;
    let options = SpreadsheetOptions {
        bom: args.bom,
        excel_safe: args.excel_safe,
        for_terminal: output.is_terminal(),
        ..SpreadsheetOptions::default()
    };
    let report =
        Report { format: args.format, changes_only: args.changes_only, old: &args.old, new: &args.new, options };
    let shown = output.shown();
    output.write(|mut out| report::write(&mut out, &comparison, &report).map_err(Error::io("write output", &shown)))?;
    if !args.quiet {
        say(&report::summary(&comparison, &args.old, &args.new));
    }
    if args.exit_code && comparison.differs() { Err(Error::Differences) } else { Ok(()) }
}
