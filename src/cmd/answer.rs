//! How `ports` and `who` write their answers: the grouped listing for a terminal (`--format
//! table`, the default), or one row per rule, with the columns of `port_rules`, through the one
//! writer of `export` and `query`.

use crate::error::{Error, Result};
use crate::export::{Output, OutputFormat, RowWriter, SpreadsheetOptions, escape_for_terminal};
use rusqlite::types::{Value, ValueRef};
use std::io::Write;

/// Writes `listing` (format `table`) or the rows (any other format) to standard output, for
/// `command` (`ports`, `who`).
pub fn write(
    command: &'static str,
    format: OutputFormat,
    json_cols: bool,
    listing: impl FnOnce() -> String,
    columns: &[String],
    rows: &[Vec<Value>],
) -> Result<()> {
    if json_cols && !matches!(format, OutputFormat::Json | OutputFormat::Jsonl) {
        return Err(Error::Usage("--json-cols is for --format json and jsonl".into()));
    }
    let output = Output::new(command, None, crate::interrupt::stop())?;
    let options = SpreadsheetOptions { json_cols, for_terminal: output.is_terminal(), ..SpreadsheetOptions::default() };
    output.write(|out| {
        let written = if format == OutputFormat::Table {
            // Titles and cells from documents are in the listing: made safe for a terminal.
            let listing = listing();
            let listing = if options.for_terminal { escape_for_terminal(listing.into(), true) } else { listing.into() };
            out.write_all(listing.as_bytes())
        } else {
            rows_to(out, format, options, columns, rows)
        };
        written.map_err(Error::io("write output", "-"))
    })
}

fn rows_to(
    out: &mut dyn Write,
    format: OutputFormat,
    options: SpreadsheetOptions,
    columns: &[String],
    rows: &[Vec<Value>],
) -> std::io::Result<()> {
    let mut writer = RowWriter::new(out, format, options, columns)?;
    for row in rows {
        let cells: Vec<ValueRef<'_>> = row.iter().map(ValueRef::from).collect();
        writer.write_row(&cells)?;
    }
    writer.finish().map(|_| ())
}
