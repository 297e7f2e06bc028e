//! The `table` format: aligned columns for a terminal. Aligning needs every row's width, so this
//! format, unlike the others, holds all rows in memory until the end.

use super::cell;
use rusqlite::types::ValueRef;
use std::io::{self, Write};

/// Rows held for alignment.
pub struct Table {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Per column: whether every value so far is a number or NULL (such columns align right).
    numeric: Vec<bool>,
}

impl Table {
    /// An empty table with these column names.
    pub fn new(columns: &[String]) -> Table {
        Table {
            columns: columns.iter().map(|c| flatten(c)).collect(),
            rows: Vec::new(),
            numeric: vec![true; columns.len()],
        }
    }

    /// Adds a row; NULL shows as an empty cell, as in CSV. `for_terminal` escapes what would act on
    /// a terminal.
    pub fn push(&mut self, cells: &[ValueRef<'_>], for_terminal: bool) {
        for (numeric, value) in self.numeric.iter_mut().zip(cells) {
            *numeric &= matches!(value, ValueRef::Null | ValueRef::Integer(_) | ValueRef::Real(_));
        }
        let shown = |v| {
            let text = flatten(&cell::text(v));
            if for_terminal { cell::escape_for_terminal(text.into(), false).into_owned() } else { text }
        };
        self.rows.push(cells.iter().map(|&v| shown(v)).collect());
    }

    /// Writes the header, a rule of dashes, and the rows, columns two spaces apart. Nothing is
    /// written for a statement that returns no columns.
    pub fn render(&self, out: &mut impl Write) -> io::Result<()> {
        if self.columns.is_empty() {
            return Ok(());
        }
        let mut widths: Vec<usize> = self.columns.iter().map(|c| width(c)).collect();
        for row in &self.rows {
            for (w, text) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(text));
            }
        }
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        self.line(out, &widths, &self.columns, false)?;
        self.line(out, &widths, &rule, false)?;
        for row in &self.rows {
            self.line(out, &widths, row, true)?;
        }
        Ok(())
    }

    fn line(&self, out: &mut impl Write, widths: &[usize], cells: &[String], body: bool) -> io::Result<()> {
        let mut line = String::new();
        for (i, (text, &w)) in cells.iter().zip(widths).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(w - width(text));
            if body && self.numeric[i] {
                line.push_str(&pad);
                line.push_str(text);
            } else {
                line.push_str(text);
                line.push_str(&pad);
            }
        }
        writeln!(out, "{}", line.trim_end())
    }
}

/// A cell on one line: line breaks and tabs would break the alignment, so they become spaces.
fn flatten(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Display width, counted in characters (good enough for the Latin text of port documents).
fn width(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(table: &Table) -> String {
        let mut out = Vec::new();
        table.render(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_align_right_and_text_left() {
        let mut table = Table::new(&["transport".into(), "port_low".into()]);
        table.push(&[ValueRef::Text(b"TCP"), ValueRef::Integer(135)], false);
        table.push(&[ValueRef::Text(b"GRE"), ValueRef::Null], false);
        table.push(&[ValueRef::Text(b"UDP"), ValueRef::Integer(53)], false);
        assert_eq!(
            render(&table),
            "transport  port_low\n---------  --------\nTCP             135\nGRE\nUDP              53\n"
        );
    }

    #[test]
    fn line_breaks_in_cells_keep_rows_on_one_line() {
        let mut table = Table::new(&["note".into()]);
        table.push(&[ValueRef::Text(b"two\nlines")], false);
        assert_eq!(render(&table), "note\n---------\ntwo lines\n");
    }

    #[test]
    fn no_columns_no_output() {
        assert_eq!(render(&Table::new(&[])), "");
    }
}
