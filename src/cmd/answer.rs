//! How `ports` and `who` write their answers: the grouped listing for a terminal (`--format
//! table`, the default), or one row per rule, with the columns of `port_rules`, through the one
//! writer of `export` and `query`.

use crate::error::{Error, Result};
use crate::export::{OutputFormat, RowWriter, SpreadsheetOptions};
use rusqlite::types::{Value, ValueRef};
use std::io::{BufWriter, Write};

/// Writes `listing` (format `table`) or the rows (any other format) to standard output.
pub fn write(
    format: OutputFormat,
    json_cols: bool,
    listing: impl FnOnce() -> String,
    columns: &[String],
    rows: &[Vec<Value>],
) -> Result<()> {
    if json_cols && !matches!(format, OutputFormat::Json | OutputFormat::Jsonl) {
        return Err(Error::Usage("--json-cols is for --format json and jsonl".into()));
    }
    let options = SpreadsheetOptions { json_cols, ..SpreadsheetOptions::default() };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = if format == OutputFormat::Table {
        out.write_all(listing().as_bytes())
    } else {
        rows_to(&mut out, format, options, columns, rows)
    };
    written.and_then(|()| out.flush()).map_err(Error::io("write output", "-"))
}

fn rows_to(
    out: &mut impl Write,
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
