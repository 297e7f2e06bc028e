//! `kbingest export DB [TABLE_OR_VIEW]`: a table or view as CSV, TSV, JSON or JSON Lines, or
//! every table and view into a folder.

use crate::cmd::count_of;
use crate::error::{Error, Result};
use crate::export::{Format, Relation, SpreadsheetOptions, export_relation, find_relation, relations, write_file};
use crate::store::Database;
use std::io::{BufWriter, Write};
use std::path::Path;

/// The formats `export` writes (`table` is for `query`, on a terminal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    Jsonl,
}

impl From<ExportFormat> for Format {
    fn from(format: ExportFormat) -> Format {
        match format {
            ExportFormat::Csv => Format::Csv,
            ExportFormat::Tsv => Format::Tsv,
            ExportFormat::Json => Format::Json,
            ExportFormat::Jsonl => Format::Jsonl,
        }
    }
}

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
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,

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
    let format = Format::from(args.format);
    if (args.bom || args.excel_safe || args.no_header) && !format.is_delimited() {
        return Err(Error::Usage(
            "--bom, --excel-safe and --no-header are for CSV and TSV, which spreadsheets open; JSON has no \
             byte-order mark, no formulas and no header row"
                .into(),
        ));
    }
    let options = SpreadsheetOptions { bom: args.bom, excel_safe: args.excel_safe, no_header: args.no_header };
    let db = Database::open_read_only(&args.database)?;
    let output = args.output.as_deref().filter(|o| *o != "-");
    if args.all {
        let dir = output.ok_or_else(|| Error::Usage("--all writes files: name a folder with -o DIR".into()))?;
        return export_all(&db, Path::new(dir), format, options, args.quiet);
    }
    let relation = find_relation(&db, args.table.as_deref().unwrap_or("port_rules"))?;
    match output {
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            export_relation(&db, &relation, &mut out, format, options, "-")?;
            out.flush().map_err(Error::io("write output", "-"))
        }
        Some(path) => {
            let rows = write_file(Path::new(path), |out| export_relation(&db, &relation, out, format, options, path))?;
            if !args.quiet {
                eprintln!("kbingest: {}: {} -> {path}", relation.name, rows_phrase(rows));
            }
            Ok(())
        }
    }
}

/// One file per table and view in `dir`, named after it.
fn export_all(db: &Database, dir: &Path, format: Format, options: SpreadsheetOptions, quiet: bool) -> Result<()> {
    let shown = dir.display().to_string();
    std::fs::create_dir_all(dir).map_err(Error::io("create the output folder", &shown))?;
    let all: Vec<Relation> = relations(db)?;
    for relation in &all {
        let path = dir.join(format!("{}.{}", relation.name, format.extension()));
        let name = path.display().to_string();
        let rows = write_file(&path, |out| export_relation(db, relation, out, format, options, &name))?;
        if !quiet {
            eprintln!("kbingest: {}: {} -> {name}", relation.name, rows_phrase(rows));
        }
    }
    if !quiet {
        eprintln!("kbingest: {} -> {shown}", count_of(all.len() as u64, "table or view", "tables and views"));
    }
    Ok(())
}

fn rows_phrase(rows: u64) -> String {
    count_of(rows, "row", "rows")
}
