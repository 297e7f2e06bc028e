//! The one output writer of `export`, `query` and `diff`: rows of SQLite values out as CSV, TSV,
//! JSON, JSON Lines, a Markdown (GitHub) table or an aligned table.

use super::cell;
use super::table::Table;
use rusqlite::types::ValueRef;
use std::io::{self, Write};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Aligned columns for a terminal.
    Table,
    /// Comma-separated values with a header row, lines ending in CRLF (RFC 4180).
    Csv,
    /// Tab-separated values with a header row, quoted like CSV where a cell needs it; lines end
    /// in LF.
    Tsv,
    /// One JSON array of objects, one object per row.
    Json,
    /// JSON Lines: one JSON object per line.
    Jsonl,
    /// A GitHub Markdown table, to paste into a ticket or a pull request.
    Markdown,
}

impl OutputFormat {
    /// Every output format, in the order the command line lists them.
    pub const ALL: [OutputFormat; 6] = [
        OutputFormat::Table,
        OutputFormat::Csv,
        OutputFormat::Tsv,
        OutputFormat::Json,
        OutputFormat::Jsonl,
        OutputFormat::Markdown,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Csv => "csv",
            OutputFormat::Tsv => "tsv",
            OutputFormat::Json => "json",
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Markdown => "markdown",
        }
    }

    /// The file name extension for files in this format.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Table => "txt",
            OutputFormat::Csv => "csv",
            OutputFormat::Tsv => "tsv",
            OutputFormat::Json => "json",
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Markdown => "md",
        }
    }

    /// Whether a spreadsheet opens this format (the formats `--bom` and `--excel-safe` are for).
    pub fn is_delimited(self) -> bool {
        matches!(self, OutputFormat::Csv | OutputFormat::Tsv)
    }
}

/// What `--bom`, `--excel-safe` and `--no-header` ask for of CSV and TSV, and `--json-cols` of
/// JSON; all off by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SpreadsheetOptions {
    /// Start the output with the UTF-8 byte-order mark, which Excel needs to read UTF-8.
    pub bom: bool,
    /// Prefix `'` to text cells a spreadsheet would run as a formula.
    pub excel_safe: bool,
    /// Leave out the header row.
    pub no_header: bool,
    /// JSON and JSON Lines: write a text cell that holds a JSON object or array (`row_cells`) as
    /// that JSON, not as a string.
    pub json_cols: bool,
}

/// The UTF-8 byte-order mark.
pub const BOM: &[u8; 3] = b"\xEF\xBB\xBF";

enum Sink<W: Write> {
    Delimited(Box<csv::Writer<W>>),
    Json { out: W, rows: u64 },
    Jsonl(W),
    Markdown(W),
    Table { out: W, table: Table },
}

/// Writes a header and rows in one format. Every format but `table` streams: each row goes out
/// as it comes. `table` holds the rows until [`RowWriter::finish`] to align the columns.
pub struct RowWriter<W: Write> {
    sink: Sink<W>,
    /// Column names, pre-encoded as JSON strings for the JSON formats.
    keys: Vec<String>,
    excel_safe: bool,
    json_cols: bool,
}

impl<W: Write> RowWriter<W> {
    /// Starts the output: the byte-order mark if asked for, then the header row (CSV, TSV) or the
    /// opening bracket (JSON).
    pub fn new(mut out: W, format: OutputFormat, options: SpreadsheetOptions, columns: &[String]) -> io::Result<Self> {
        if options.bom {
            out.write_all(BOM)?;
        }
        let keys = match format {
            OutputFormat::Json | OutputFormat::Jsonl => {
                columns.iter().map(|c| json_key(c)).collect::<io::Result<_>>()?
            }
            _ => Vec::new(),
        };
        let sink = match format {
            OutputFormat::Csv | OutputFormat::Tsv => {
                // CSV lines end in CRLF, as RFC 4180 and Python's csv module write them; TSV,
                // read by Unix tools, in LF.
                let (delimiter, terminator) = match format {
                    OutputFormat::Tsv => (b'\t', csv::Terminator::Any(b'\n')),
                    _ => (b',', csv::Terminator::CRLF),
                };
                let mut writer = csv::WriterBuilder::new().delimiter(delimiter).terminator(terminator).from_writer(out);
                // Column names are cells too, and a query can name a column `=1+1`.
                let header: Vec<_> = columns
                    .iter()
                    .map(|c| if options.excel_safe { cell::neutralize(c.into()) } else { c.into() })
                    .collect();
                if !options.no_header {
                    writer.write_record(header.iter().map(|c: &std::borrow::Cow<str>| c.as_bytes())).map_err(csv_io)?;
                }
                Sink::Delimited(Box::new(writer))
            }
            OutputFormat::Json => {
                out.write_all(b"[")?;
                Sink::Json { out, rows: 0 }
            }
            OutputFormat::Jsonl => Sink::Jsonl(out),
            OutputFormat::Markdown => {
                write_markdown_header(&mut out, columns)?;
                Sink::Markdown(out)
            }
            OutputFormat::Table => Sink::Table { out, table: Table::new(columns) },
        };
        Ok(RowWriter { sink, keys, excel_safe: options.excel_safe, json_cols: options.json_cols })
    }

    /// Writes one row; `cells` has one value per column.
    pub fn write_row(&mut self, cells: &[ValueRef<'_>]) -> io::Result<()> {
        match &mut self.sink {
            Sink::Delimited(writer) => {
                let record: Vec<_> = cells.iter().map(|&v| cell::spreadsheet_text(v, self.excel_safe)).collect();
                writer.write_record(record.iter().map(|c| c.as_bytes())).map_err(csv_io)
            }
            Sink::Json { out, rows } => {
                out.write_all(if *rows == 0 { b"\n" } else { b",\n" })?;
                *rows += 1;
                write_object(out, &self.keys, cells, self.json_cols)
            }
            Sink::Jsonl(out) => {
                write_object(out, &self.keys, cells, self.json_cols)?;
                out.write_all(b"\n")
            }
            Sink::Markdown(out) => {
                let texts: Vec<String> = cells.iter().map(|&v| cell::markdown_text(&cell::text(v))).collect();
                write_markdown_line(out, &texts)
            }
            Sink::Table { table, .. } => {
                table.push(cells);
                Ok(())
            }
        }
    }

    /// Ends the output (closing bracket for JSON, the whole table for `table`), flushes it and
    /// gives back the underlying writer.
    pub fn finish(self) -> io::Result<W> {
        let mut out = match self.sink {
            Sink::Delimited(writer) => writer.into_inner().map_err(|e| e.into_error())?,
            Sink::Json { mut out, rows } => {
                out.write_all(if rows == 0 { b"]\n" } else { b"\n]\n" })?;
                out
            }
            Sink::Jsonl(out) | Sink::Markdown(out) => out,
            Sink::Table { mut out, table } => {
                table.render(&mut out)?;
                out
            }
        };
        out.flush()?;
        Ok(out)
    }
}

/// The header row and the delimiter row of a Markdown table; nothing for a statement without
/// columns, which a Markdown table cannot express.
fn write_markdown_header(out: &mut impl Write, columns: &[String]) -> io::Result<()> {
    if columns.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = columns.iter().map(|c| cell::markdown_text(c)).collect();
    write_markdown_line(out, &names)?;
    write_markdown_line(out, &vec!["---".to_string(); columns.len()])
}

fn write_markdown_line(out: &mut impl Write, cells: &[String]) -> io::Result<()> {
    if cells.is_empty() {
        return Ok(());
    }
    writeln!(out, "| {} |", cells.join(" | "))
}

fn json_key(column: &str) -> io::Result<String> {
    let mut key = Vec::new();
    cell::json_string(&mut key, column)?;
    Ok(String::from_utf8_lossy(&key).into_owned())
}

fn write_object(out: &mut impl Write, keys: &[String], cells: &[ValueRef<'_>], json_cols: bool) -> io::Result<()> {
    out.write_all(b"{")?;
    for (i, (key, &value)) in keys.iter().zip(cells).enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(key.as_bytes())?;
        out.write_all(b":")?;
        match json_value(value, json_cols) {
            Some(json) => serde_json::to_writer(&mut *out, &json).map_err(io::Error::from)?,
            None => cell::write_json(out, value)?,
        }
    }
    out.write_all(b"}")
}

/// With `--json-cols`, the JSON a text cell holds, where it holds an object or an array.
fn json_value(value: ValueRef<'_>, json_cols: bool) -> Option<serde_json::Value> {
    let ValueRef::Text(text) = value else { return None };
    let text = std::str::from_utf8(text).ok()?.trim_start();
    if !json_cols || !text.starts_with(['{', '[']) {
        return None;
    }
    serde_json::from_str(text).ok()
}

/// The csv crate wraps I/O errors; unwrap them so that a closed pipe stays recognizable.
fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(format: OutputFormat, options: SpreadsheetOptions, rows: &[Vec<ValueRef<'_>>]) -> String {
        let columns = vec!["port".to_string(), "name".to_string()];
        let mut writer = RowWriter::new(Vec::new(), format, options, &columns).unwrap();
        for row in rows {
            writer.write_row(row).unwrap();
        }
        String::from_utf8(writer.finish().unwrap()).unwrap()
    }

    fn sample() -> Vec<Vec<ValueRef<'static>>> {
        vec![
            vec![ValueRef::Integer(53), ValueRef::Text(b"DNS, \"the\" server")],
            vec![ValueRef::Null, ValueRef::Text(b"=1+1")],
        ]
    }

    #[test]
    fn csv_and_tsv_have_a_header_and_quote_where_needed() {
        let csv = write(OutputFormat::Csv, SpreadsheetOptions::default(), &sample());
        assert_eq!(csv, "port,name\r\n53,\"DNS, \"\"the\"\" server\"\r\n,=1+1\r\n");
        let tsv = write(OutputFormat::Tsv, SpreadsheetOptions::default(), &sample());
        assert_eq!(tsv, "port\tname\n53\t\"DNS, \"\"the\"\" server\"\n\t=1+1\n");
    }

    #[test]
    fn bom_and_excel_safe() {
        let options = SpreadsheetOptions { bom: true, excel_safe: true, ..SpreadsheetOptions::default() };
        let csv = write(OutputFormat::Csv, options, &sample());
        assert_eq!(csv.as_bytes()[..3], *BOM);
        assert!(csv.ends_with("\r\n,'=1+1\r\n"), "{csv}");
    }

    #[test]
    fn no_header_leaves_out_the_header_row_only() {
        let options = SpreadsheetOptions { no_header: true, ..SpreadsheetOptions::default() };
        assert_eq!(write(OutputFormat::Tsv, options, &sample()), "53\t\"DNS, \"\"the\"\" server\"\n\t=1+1\n");
        assert_eq!(write(OutputFormat::Csv, options, &[]), "");
    }

    #[test]
    fn json_and_jsonl_keep_numbers_and_nulls() {
        let json = write(OutputFormat::Json, SpreadsheetOptions::default(), &sample());
        assert_eq!(
            json,
            "[\n{\"port\":53,\"name\":\"DNS, \\\"the\\\" server\"},\n{\"port\":null,\"name\":\"=1+1\"}\n]\n"
        );
        assert_eq!(write(OutputFormat::Json, SpreadsheetOptions::default(), &[]), "[]\n");
        let jsonl = write(OutputFormat::Jsonl, SpreadsheetOptions::default(), &sample());
        let lines: Vec<serde_json::Value> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines[0]["port"], 53);
        assert!(lines[1]["port"].is_null());
    }

    #[test]
    fn json_cols_writes_json_text_as_json() {
        let rows = vec![
            vec![ValueRef::Integer(1), ValueRef::Text(b"{\"Port\": \"443\"}")],
            vec![ValueRef::Integer(2), ValueRef::Text(b"[not json")],
        ];
        let options = SpreadsheetOptions { json_cols: true, ..SpreadsheetOptions::default() };
        let json = write(OutputFormat::Jsonl, options, &rows);
        assert_eq!(json, "{\"port\":1,\"name\":{\"Port\":\"443\"}}\n{\"port\":2,\"name\":\"[not json\"}\n");
        let plain = write(OutputFormat::Jsonl, SpreadsheetOptions::default(), &rows);
        assert!(plain.starts_with("{\"port\":1,\"name\":\"{\\\"Port\\\": \\\"443\\\"}\"}"), "{plain}");
    }

    #[test]
    fn markdown_is_a_github_table_with_escaped_cells() {
        let markdown = write(OutputFormat::Markdown, SpreadsheetOptions::default(), &sample());
        assert_eq!(markdown, "| port | name |\n| --- | --- |\n| 53 | DNS, \"the\" server |\n|  | =1+1 |\n");
        let empty = write(OutputFormat::Markdown, SpreadsheetOptions::default(), &[]);
        assert_eq!(empty, "| port | name |\n| --- | --- |\n");
    }

    #[test]
    fn table_aligns_columns() {
        let table = write(OutputFormat::Table, SpreadsheetOptions::default(), &sample());
        assert_eq!(table, "port  name\n----  -----------------\n  53  DNS, \"the\" server\n      =1+1\n");
    }
}
