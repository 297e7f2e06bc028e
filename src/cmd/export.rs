//! `kbingest export DB [TABLE_OR_VIEW]`: a table or view as CSV, TSV, JSON, JSON Lines or a
//! Markdown table, or every table and view into a folder.

use crate::cmd::choices::export_formats;
use crate::cmd::count_of;
use crate::cmd::messages::say;
use crate::error::{Error, Result};
use crate::export::{
    FileNames, Output, OutputFormat, Relation, SpreadsheetOptions, export_relation, find_relation, relations,
    write_folder,
};
use crate::interrupt;
use crate::store::Database;
use std::path::Path;

/// Arguments of `kbingest export`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The kbingest database to export from; it is opened read-only.
    #[arg(value_name = "DB")]
    pub database: String,

    /// The table or view to export [default: port_rules].
    #[arg(value_name = "TABLE_OR_VIEW", conflicts_with = "all")]
    pub table: Option<String>,

    /// Write to this file instead of standard output (with --all: into this folder, created if
    /// missing). A file is replaced only once the export is complete.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,

    /// The output format.
    #[arg(long, value_parser = export_formats(), default_value = "csv")]
    pub format: OutputFormat,

    /// Start with a UTF-8 byte-order mark, which Excel needs to read UTF-8 (CSV and TSV only).
    #[arg(long)]
    pub bom: bool,

    /// Prefix `'` to text cells that start with =, +, -, @, tab or carriage return, so that a
    /// spreadsheet shows them instead of running them as formulas. This changes the data, so it is
    /// off by default (CSV and TSV only).
    #[arg(long)]
    pub excel_safe: bool,

    /// Leave out the header row (CSV and TSV only).
    #[arg(long)]
    pub no_header: bool,

    /// JSON and JSON Lines: write columns that hold JSON (row_cells) as JSON objects, not as
    /// strings of escaped JSON.
    #[arg(long)]
    pub json_cols: bool,

    /// Export every table and view, one file each (e.g. port_rules.csv), into the folder given
    /// with -o.
    #[arg(long, requires = "output")]
    pub all: bool,

    /// Print nothing on standard error unless something goes wrong.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Exports as asked.
pub fn run(args: Args) -> Result<()> {
    let format = args.format;
    if (args.bom || args.excel_safe || args.no_header) && !format.is_delimited() {
        return Err(Error::Usage(
            "--bom, --excel-safe and --no-header are for CSV and TSV, which spreadsheets open; JSON and Markdown \
             have no byte-order mark, no formulas and no header row"
                .into(),
        ));
    }
    if args.json_cols && !matches!(format, OutputFormat::Json | OutputFormat::Jsonl) {
        return Err(Error::Usage("--json-cols is for --format json and jsonl".into()));
    }
    let options = SpreadsheetOptions {
        bom: args.bom,
        excel_safe: args.excel_safe,
        no_header: args.no_header,
        json_cols: args.json_cols,
        for_terminal: false,
    };
    if args.all {
        let Some(dir) = args.output.as_deref().filter(|o| *o != "-") else {
            return Err(Error::Usage("--all writes files: name a folder with -o DIR".into()));
        };
        let db = Database::open_read_only(&args.database, interrupt::stop())?;
        let exported = export_all(&db, Path::new(dir), format, options, args.quiet);
        return exported.map_err(|e| match interrupt::stopped_or(e, "export") {
            Error::OutputInterrupted { signal, command, output: None } => {
                Error::OutputInterrupted { signal, command, output: Some(dir.to_string()) }
            }
            e => e,
        });
    }
    let output = Output::new("export", args.output.as_deref(), interrupt::stop())?;
    let options = SpreadsheetOptions { for_terminal: output.is_terminal(), ..options };
    let db = Database::open_read_only(&args.database, interrupt::stop()).map_err(|e| output.stopped_or(e))?;
    let relation = find_relation(&db, args.table.as_deref().unwrap_or("port_rules"))?;
    let shown = output.shown();
    let rows = output.write(|out| export_relation(&db, &relation, out, format, options, &shown))?;
    if let (Some(path), false) = (output.file(), args.quiet) {
        say(&format!("{}: {} -> {path}", relation.name, rows_phrase(rows)));
    }
    Ok(())
}

/// One file per table and view in `dir`, named after it (made safe as a file name), written as
/// one set: the folder changes only once every file is complete.
fn export_all(db: &Database, dir: &Path, format: OutputFormat, options: SpreadsheetOptions, quiet: bool) -> Result<()> {
    let shown = dir.display().to_string();
    let all: Vec<Relation> = relations(db)?;
    let mut names = FileNames::default();
    let mut files = Vec::with_capacity(all.len());
    for relation in &all {
        let path = names.path_for(dir, &relation.name, format.extension())?;
        files.push(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    }
    let rows = write_folder(dir, &files, "export", interrupt::stop(), |i, out| {
        let name = dir.join(&files[i]).display().to_string();
        export_relation(db, &all[i], out, format, options, &name)
    })?;
    if !quiet {
        for ((relation, file), rows) in all.iter().zip(&files).zip(rows) {
            say(&format!("{}: {} -> {}", relation.name, rows_phrase(rows), dir.join(file).display()));
        }
        say(&format!("{} -> {shown}", count_of(all.len() as u64, "table or view", "tables and views")));
    }
    Ok(())
}

fn rows_phrase(rows: u64) -> String {
    count_of(rows, "row", "rows")
}
