//! `kbingest export DB [TABLE_OR_VIEW]`: a table or view as CSV, TSV, JSON, JSON Lines or a
//! Markdown table, or every table and view into a folder.

use crate::cmd::choices::export_formats;
use crate::cmd::count_of;
use crate::cmd::messages::say;
use crate::error::{Error, Result};
use crate::export::{
    FileNames, OutputFormat, Relation, SpreadsheetOptions, check_output, export_relation, find_relation, relations,
    write_file,
};
use crate::interrupt;
use crate::store::Database;
use std::io::{BufWriter, Write};
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
    };
    let output = args.output.as_deref().filter(|o| *o != "-");
    if args.all && output.is_none() {
        return Err(Error::Usage("--all writes files: name a folder with -o DIR".into()));
    }
    if let (Some(path), false) = (output, args.all) {
        check_output(Path::new(path))?;
    }
    interrupt::install()?;
    let db = Database::open_read_only(&args.database, interrupt::stop())?;
    let exported = match output {
        Some(dir) if args.all => export_all(&db, Path::new(dir), format, options, args.quiet),
        _ => export_one(&db, args.table.as_deref().unwrap_or("port_rules"), output, format, options, args.quiet),
    };
    // Whatever failed after a stop was asked for failed because of it: report the stop.
    exported.map_err(|e| match interrupt::requested() {
        Some(signal) => Error::ExportInterrupted { signal, output: output.unwrap_or("-").to_string() },
        None => e,
    })
}

/// One table or view, to standard output (`output` `None`) or a file.
fn export_one(
    db: &Database,
    name: &str,
    output: Option<&str>,
    format: OutputFormat,
    options: SpreadsheetOptions,
    quiet: bool,
) -> Result<()> {
    let relation = find_relation(db, name)?;
    let Some(path) = output else {
        let stdout = std::io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        export_relation(db, &relation, &mut out, format, options, "-")?;
        return out.flush().map_err(Error::io("write output", "-"));
    };
    let rows = write_file(Path::new(path), |out| export_relation(db, &relation, out, format, options, path))?;
    if !quiet {
        say(&format!("{}: {} -> {path}", relation.name, rows_phrase(rows)));
    }
    Ok(())
}

/// One file per table and view in `dir`, named after it (made safe as a file name). Every file's
/// path is checked before the first is written.
fn export_all(db: &Database, dir: &Path, format: OutputFormat, options: SpreadsheetOptions, quiet: bool) -> Result<()> {
    let shown = dir.display().to_string();
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!("{shown} is not a folder; --all writes one file per table into a folder")));
    }
    let all: Vec<Relation> = relations(db)?;
    let mut names = FileNames::default();
    let mut files = Vec::with_capacity(all.len());
    for relation in &all {
        let path = names.path_for(dir, &relation.name, format.extension())?;
        check_output(&path)?;
        files.push(path);
    }
    std::fs::create_dir_all(dir).map_err(Error::io("create the output folder", &shown))?;
    for (relation, path) in all.iter().zip(&files) {
        let name = path.display().to_string();
        let rows = write_file(path, |out| export_relation(db, relation, out, format, options, &name))?;
        if !quiet {
            say(&format!("{}: {} -> {name}", relation.name, rows_phrase(rows)));
        }
    }
    if !quiet {
        say(&format!("{} -> {shown}", count_of(all.len() as u64, "table or view", "tables and views")));
    }
    Ok(())
}

fn rows_phrase(rows: u64) -> String {
    count_of(rows, "row", "rows")
}
