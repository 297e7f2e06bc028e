//! `kbingest diff DB OLD NEW`: what changed between two sources (editions of a port reference),
//! one row per port rule, or a Markdown report.

use crate::cmd::messages::say;
use crate::diff::report::{self, Report};
use crate::diff::{self, TitlePair};
use crate::error::{Error, Result};
use crate::export::{OutputFormat, check_output, write_file};
use crate::interrupt;
use crate::store::Database;
use std::io::{BufWriter, Write};
use std::path::Path;

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

    /// The output format: table (the changes by service, fitted to the terminal's width or
    /// $COLUMNS), csv, tsv, json, jsonl (one row per port rule, every text in full), or markdown (a
    /// report grouped by service, changed services first, counts at the top).
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutputFormat,

    /// Pair a service of OLD with one of NEW, whatever else would pair them (system service names,
    /// titles, or the likeness of titles and ports), e.g. --match 'SQL Analysis Server=SQL Server
    /// Analysis Services'. Repeatable; titles ignore case, punctuation and white space.
    #[arg(long = "match", value_name = "OLD TITLE=NEW TITLE")]
    pub matches: Vec<TitlePair>,

    /// Leave out the unchanged rules (the table format does unless --all).
    #[arg(long, conflicts_with = "all")]
    pub changes_only: bool,

    /// List the unchanged rules in the table format too (the other formats list them unless
    /// --changes-only).
    #[arg(long)]
    pub all: bool,

    /// Exit with status 0 when nothing differs, 1 when anything does, and 2 on trouble (a missing
    /// database or source), like diff(1) and `git diff --exit-code`.
    #[arg(long)]
    pub exit_code: bool,

    /// Write to this file instead of standard output; it is replaced only once complete.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,

    /// No summary on standard error.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Compares the two sources and writes the result. Under `--exit-code`, trouble exits with
/// status 2, since 1 then means that the sources differ.
pub fn run(args: Args) -> Result<()> {
    let exit_code = args.exit_code;
    compare(args).map_err(|e| match e {
        Error::Differences | Error::BrokenPipe | Error::Usage(_) => e,
        Error::Interrupted { .. } | Error::ExportInterrupted { .. } => e,
        e if exit_code => Error::Trouble(Box::new(e)),
        e => e,
    })
}

fn compare(args: Args) -> Result<()> {
    if let Some(path) = args.output.as_deref().filter(|o| *o != "-") {
        check_output(Path::new(path))?;
    }
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
    let unchanged = if args.format == OutputFormat::Table { args.all } else { !args.changes_only };
    let report = Report { format: args.format, unchanged, width: width(), old: &args.old, new: &args.new };
    let write = |mut out: &mut dyn Write, shown: &str| {
        report::write(&mut out, &comparison, &report).map_err(Error::io("write output", shown))
    };
    match args.output.as_deref().filter(|o| *o != "-") {
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            write(&mut out, "-")?;
            out.flush().map_err(Error::io("write output", "-"))?;
        }
        Some(path) => write_file(Path::new(path), |out| write(out, path))?,
    }
    if !args.quiet {
        say(&report::summary(&comparison, &args.old, &args.new));
    }
    if args.exit_code && comparison.differs() { Err(Error::Differences) } else { Ok(()) }
}

/// The width the table format fits: $COLUMNS if it is a number, else the width of the terminal
/// that standard output is, else 80.
fn width() -> usize {
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|&c| c > 0);
    let terminal = || terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0));
    columns.or_else(terminal).unwrap_or(80)
}
