//! `kbingest query DB "SQL"`: one read-only SQL statement, its rows as a table, CSV, TSV, JSON,
//! JSON Lines or a Markdown table on standard output (or in a file, written whole), or one
//! column's values as they are (`--raw`).

use crate::error::{Error, Result};
use crate::export::{
    OutputFormat, SpreadsheetOptions, bind_parameters, check_output, prepare_read_only, write_file, write_raw,
    write_rows,
};
use crate::stop::Stop;
use crate::store::Database;
use std::io::{BufWriter, Write};
use std::path::Path;

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

    /// A value for the named parameter :NAME of the statement, as text (repeatable), e.g.
    /// -p port 135 for "... WHERE port_low = :port".
    #[arg(short = 'p', long = "param", num_args = 2, value_names = ["NAME", "VALUE"], action = clap::ArgAction::Append, allow_hyphen_values = true)]
    pub params: Vec<String>,

    /// The output format: table (aligned columns; holds the rows in memory to align them), or
    /// csv, tsv, json, jsonl, markdown (a GitHub table) (streamed).
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutputFormat,

    /// Leave out the header row (CSV and TSV only).
    #[arg(long)]
    pub no_header: bool,

    /// Print the values of a one-column result as they are, one a line: no header, no quoting, no
    /// CR, e.g. for `n=$(kbingest query DB "SELECT count(*) FROM port_rules" --raw)`.
    #[arg(long, conflicts_with_all = ["format", "no_header", "json_cols"])]
    pub raw: bool,

    /// JSON and JSON Lines: write columns that hold JSON (row_cells) as JSON objects, not as
    /// strings of escaped JSON.
    #[arg(long)]
    pub json_cols: bool,

    /// Write to this file instead of standard output; it is replaced only once complete, as
    /// `export` writes files.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,
}

/// Runs the query and writes its rows to standard output or the file.
pub fn run(args: Args) -> Result<()> {
    if args.no_header && !args.format.is_delimited() {
        return Err(Error::Usage("--no-header is for --format csv and tsv".into()));
    }
    if args.json_cols && !matches!(args.format, OutputFormat::Json | OutputFormat::Jsonl) {
        return Err(Error::Usage("--json-cols is for --format json and jsonl".into()));
    }
    let output = args.output.as_deref().filter(|o| *o != "-");
    if let Some(path) = output {
        check_output(Path::new(path))?;
    }
    let params: Vec<(&str, &str)> = args.params.chunks(2).map(|pair| (pair[0].as_str(), pair[1].as_str())).collect();
    let mut db = Database::open_read_only(&args.database, Stop::NEVER)?;
    let path = db.path.clone();
    let mut stmt = prepare_read_only(&mut db, &args.sql)?;
    bind_parameters(&mut stmt, &params, &path)?;
    let options =
        SpreadsheetOptions { no_header: args.no_header, json_cols: args.json_cols, ..SpreadsheetOptions::default() };
    let mut write = |out: &mut dyn Write, name: &str| -> Result<u64> {
        if args.raw {
            write_raw(&mut stmt, &path, out, name)
        } else {
            write_rows(&mut stmt, &path, out, args.format, options, name)
        }
    };
    match output {
        Some(file) => write_file(Path::new(file), |out| write(out, file)).map(|_| ()),
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            write(&mut out, "-")?;
            out.flush().map_err(Error::io("write output", "-"))
        }
    }
}
