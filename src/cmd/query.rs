//! `kbingest query DB "SQL"`: one read-only SQL statement, its rows as a table, CSV, TSV, JSON,
//! JSON Lines or a Markdown table on standard output (or in a file, written whole), or one
//! column's values as they are (`--raw`).

use crate::error::{Error, Result};
use crate::export::{
    Output, OutputFormat, SpreadsheetOptions, bind_parameters, prepare_read_only, write_raw, write_rows,
};
use crate::interrupt;
use crate::store::Database;

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
    #[arg(long, conflicts_with_all = ["format", "no_header", "json_cols", "bom", "excel_safe"])]
    pub raw: bool,

    /// JSON and JSON Lines: write columns that hold JSON (row_cells) as JSON objects, not as
    /// strings of escaped JSON.
    #[arg(long)]
    pub json_cols: bool,

    /// Write to this file instead of standard output; it is replaced only once complete, as
    /// `export` writes files.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,

    /// Start with a UTF-8 byte-order mark, which Excel needs to read UTF-8 (CSV and TSV only).
    #[arg(long)]
    pub bom: bool,

    /// Prefix `'` to text cells that start with =, +, -, @, tab or carriage return, so that a
    /// spreadsheet shows them instead of running them as formulas (CSV and TSV only).
    #[arg(long)]
    pub excel_safe: bool,
}

/// Runs the query and writes its rows to standard output or the file.
pub fn run(args: Args) -> Result<()> {
    let given: Vec<&str> = [(args.no_header, "--no-header"), (args.bom, "--bom"), (args.excel_safe, "--excel-safe")]
        .into_iter()
        .filter_map(|(on, flag)| on.then_some(flag))
        .collect();
    if !given.is_empty() && !args.format.is_delimited() {
        let verb = if given.len() == 1 { "is" } else { "are" };
        return Err(Error::Usage(format!("{} {verb} for --format csv and tsv", given.join(" and "))));
    }
    if args.json_cols && !matches!(args.format, OutputFormat::Json | OutputFormat::Jsonl) {
        return Err(Error::Usage("--json-cols is for --format json and jsonl".into()));
    }
    let params: Vec<(&str, &str)> = args.params.chunks(2).map(|pair| (pair[0].as_str(), pair[1].as_str())).collect();
    let output = Output::new("query", args.output.as_deref(), interrupt::stop())?;
    let mut db = Database::open_read_only(&args.database, interrupt::stop())?;
    let path = db.path.clone();
    let mut stmt = prepare_read_only(&mut db, &args.sql)?;
    bind_parameters(&mut stmt, &params, &path)?;
    let options = SpreadsheetOptions {
        no_header: args.no_header,
        bom: args.bom,
        excel_safe: args.excel_safe,
        json_cols: args.json_cols,
        for_terminal: output.is_terminal(),
    };
    let shown = output.shown();
    output
        .write(|out| {
            if args.raw {
                write_raw(&mut stmt, &path, out, &shown, options.for_terminal)
            } else {
                write_rows(&mut stmt, &path, out, args.format, options, &shown)
            }
        })
        .map(drop)
}
