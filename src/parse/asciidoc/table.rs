//! AsciiDoc tables (`|===`), after the AsciiDoc language documentation: cells on one line or one
//! per line, a cell specifier before its `|` (`2+` spans two columns, `.3+` three rows, `3*`
//! repeats the cell, `a`/`m`/`l`/... its style, `^`/`<`/`>` its alignment), the column count from
//! `cols` (`"1,1,2"`, `3*`, `"2a,2a,5a"`) or from the first line's cells, the header row from
//! `options="header"`/`%header` or implicitly (a first line of cells followed by a blank line),
//! CSV (`,===`, `format=csv`) and DSV (`:===`) data.

use super::Src;
use crate::parse::html::spans::WrittenCell;
use regex::Regex;
use std::sync::LazyLock;

/// A cell specifier: duplication, column and row span, alignments, style.
static SPEC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:([0-9]+)\*)?(?:([0-9]+)?(?:\.([0-9]+))?\+)?(?:[<^>])?(?:\.[<^>])?([adehlmsv])?$")
        .expect("a valid pattern")
});

/// A cell as written: where its text starts, its text, spans and style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCell {
    /// Line the cell's text starts on (its separator's line when empty).
    pub line: u32,
    /// Lines of the cell's text, as written.
    pub lines: Vec<String>,
    /// Columns spanned.
    pub columns: usize,
    /// Rows spanned.
    pub rows: usize,
    /// The style letter (`a`, `m`, `l`, ...), if any.
    pub style: Option<char>,
    /// Whether the cell ends the table's first line of content.
    pub ends_first_line: bool,
}

/// A table's attributes, from its block attribute line (`[cols="1,2",options="header"]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableAttributes {
    /// Columns named by `cols`, if it names them.
    pub columns: Option<usize>,
    /// `Some(true)` for `options="header"`/`%header`, `Some(false)` for `%noheader`.
    pub header: Option<bool>,
    /// `format=csv` (or `tsv`, `dsv`).
    pub format: Option<String>,
}

impl TableAttributes {
    /// Reads a block attribute line's content (without its brackets).
    pub fn parse(attributes: &str) -> TableAttributes {
        let mut out = TableAttributes::default();
        let value = |name: &str| -> Option<String> {
            let at = attributes.find(&format!("{name}="))?;
            let rest = &attributes[at + name.len() + 1..];
            let value = match rest.chars().next() {
                Some(quote @ ('"' | '\'')) => rest[1..].split(quote).next().unwrap_or_default(),
                _ => rest.split(',').next().unwrap_or_default(),
            };
            Some(value.trim().to_string())
        };
        if let Some(cols) = value("cols") {
            out.columns = column_count(&cols);
        }
        let options = [value("options"), value("opts")].into_iter().flatten().collect::<Vec<_>>().join(",");
        let has =
            |option: &str| options.split(',').any(|o| o.trim() == option) || attributes.contains(&format!("%{option}"));
        if has("header") {
            out.header = Some(true);
        }
        if has("noheader") {
            out.header = Some(false);
        }
        out.format = value("format");
        out
    }
}

/// The number of columns a `cols` value names: `3`, `3*`, `"1,2,3"`, `"2*,3a"`.
fn column_count(cols: &str) -> Option<usize> {
    let cols = cols.trim().trim_matches(['"', '\'']);
    if let Ok(n) = cols.parse::<usize>() {
        return Some(n.clamp(1, MAX_COLUMNS));
    }
    let count: usize = cols
        .split([',', ';'])
        .map(|spec| spec.trim().split_once('*').and_then(|(n, _)| n.trim().parse::<usize>().ok()).unwrap_or(1))
        .sum();
    (count > 0).then_some(count.min(MAX_COLUMNS))
}

/// The most columns, rows spanned or repeats taken from a table: far beyond any real table.
const MAX_COLUMNS: usize = 1000;

/// Splits a table's content into cells by their separators (`sep`: `|` or `!`).
pub fn cells(content: &[Src], sep: char) -> Vec<RawCell> {
    let mut out: Vec<RawCell> = Vec::new();
    let first_content = content.iter().position(|l| !l.text.trim().is_empty());
    for (index, line) in content.iter().enumerate() {
        let chars: Vec<char> = line.text.chars().collect();
        let mut start = 0;
        let mut i = 0;
        while i < chars.len() {
            let escaped = i > 0 && chars[i - 1] == '\\';
            if chars[i] != sep || escaped {
                i += 1;
                continue;
            }
            // The specifier: the word right before the separator.
            let word_start = chars[..i].iter().rposition(|c| c.is_whitespace()).map_or(0, |p| p + 1);
            let word: String = chars[word_start..i].iter().collect();
            let spec = SPEC.captures(&word).filter(|_| !word.is_empty() || word_start == i);
            let text_end = if spec.is_some() { word_start } else { i };
            if let Some(cell) = out.last_mut()
                && text_end > start
            {
                let before: String = chars[start..text_end].iter().collect();
                push_text(cell, line.number, &before);
            }
            let (columns, rows, repeat, style) = match &spec {
                Some(c) => {
                    let number = |k: usize| c.get(k).and_then(|m| m.as_str().parse::<usize>().ok());
                    let spanned = c.get(0).is_some_and(|m| m.as_str().contains('+'));
                    let (columns, rows) =
                        if spanned { (number(2).unwrap_or(1), number(3).unwrap_or(1)) } else { (1, 1) };
                    (columns, rows, number(1).unwrap_or(1), c.get(4).and_then(|m| m.as_str().chars().next()))
                }
                None => (1, 1, 1, None),
            };
            let cell = RawCell {
                line: line.number,
                lines: Vec::new(),
                columns: columns.clamp(1, MAX_COLUMNS),
                rows: rows.clamp(1, MAX_COLUMNS),
                style,
                ends_first_line: false,
            };
            for _ in 0..repeat.clamp(1, MAX_COLUMNS) {
                out.push(cell.clone());
            }
            start = i + 1;
            i += 1;
        }
        if let Some(cell) = out.last_mut() {
            let rest: String = chars[start.min(chars.len())..].iter().collect();
            push_text(cell, line.number, &rest);
            if Some(index) == first_content {
                cell.ends_first_line = true;
            }
        }
    }
    // Repeated cells share the text of the last one written.
    for k in (1..out.len()).rev() {
        if out[k - 1].lines.is_empty() && out[k - 1].line == out[k].line && out[k - 1].columns == out[k].columns {
            out[k - 1].lines = out[k].lines.clone();
        }
    }
    out
}

/// Adds a piece of a line to a cell's text (a new line of it).
fn push_text(cell: &mut RawCell, number: u32, text: &str) {
    if cell.lines.iter().all(|l| l.trim().is_empty()) && !text.trim().is_empty() {
        cell.line = number;
    }
    if cell.lines.is_empty() && text.trim().is_empty() {
        cell.lines.push(String::new());
        return;
    }
    cell.lines.push(text.to_string());
}

/// Groups cells into rows of `columns` columns (spans taken into account), each row with its line.
pub fn rows(cells: Vec<WrittenCell>, columns: usize) -> Vec<(u32, Vec<WrittenCell>)> {
    let columns = columns.max(1);
    let mut covered = vec![0usize; columns];
    let mut next = vec![0usize; columns];
    let mut out: Vec<(u32, Vec<WrittenCell>)> = Vec::new();
    let mut current: Vec<WrittenCell> = Vec::new();
    let mut column = 0;
    let finish = |current: &mut Vec<WrittenCell>,
                  covered: &mut Vec<usize>,
                  next: &mut Vec<usize>,
                  out: &mut Vec<(u32, Vec<WrittenCell>)>| {
        let line = current.first().map_or(0, |c| c.cell.line);
        out.push((line, std::mem::take(current)));
        for k in 0..covered.len() {
            covered[k] = covered[k].saturating_sub(1).max(next[k]);
            next[k] = 0;
        }
    };
    for cell in cells {
        while column < columns && covered[column] > 0 {
            column += 1;
        }
        if column >= columns {
            finish(&mut current, &mut covered, &mut next, &mut out);
            column = 0;
            while column < columns && covered[column] > 0 {
                column += 1;
            }
        }
        let spanned = column.min(columns)..(column + cell.columns).min(columns);
        next[spanned].fill(cell.rows.saturating_sub(1));
        column += cell.columns;
        current.push(cell);
        while column < columns && covered[column] > 0 {
            column += 1;
        }
        if column >= columns {
            finish(&mut current, &mut covered, &mut next, &mut out);
            column = 0;
        }
    }
    if !current.is_empty() {
        finish(&mut current, &mut covered, &mut next, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Located;

    fn src(text: &str) -> Vec<Src> {
        text.lines().enumerate().map(|(i, l)| Src { number: i as u32 + 1, text: l.to_string() }).collect()
    }

    #[test]
    fn cells_on_one_line_or_one_per_line_with_specifiers() {
        let found = cells(&src("|Port |Protocol\n\n.2+|53\nm|UDP\n|TCP\n2+|Internet ports\n3*|x\n"), '|');
        let seen: Vec<(u32, String, usize, usize, Option<char>)> = found
            .iter()
            .map(|c| {
                (c.line, c.lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join("+"), c.columns, c.rows, c.style)
            })
            .collect();
        assert_eq!(
            seen,
            [
                (1, "Port".into(), 1, 1, None),
                (1, "Protocol+".into(), 1, 1, None),
                (3, "53".into(), 1, 2, None),
                (4, "UDP".into(), 1, 1, Some('m')),
                (5, "TCP".into(), 1, 1, None),
                (6, "Internet ports".into(), 2, 1, None),
                (7, "x".into(), 1, 1, None),
                (7, "x".into(), 1, 1, None),
                (7, "x".into(), 1, 1, None),
            ]
        );
        assert!(found[1].ends_first_line && !found[0].ends_first_line);
    }

    #[test]
    fn attributes_and_rows_with_spans() {
        let attributes = TableAttributes::parse("cols=\"2a,2a,5a\",options=\"header\"");
        assert_eq!((attributes.columns, attributes.header), (Some(3), Some(true)));
        assert_eq!(TableAttributes::parse("%header,cols=3*").columns, Some(3));
        assert_eq!(TableAttributes::parse("%noheader,cols=\"1,1\"").header, Some(false));
        let cell =
            |line: u32, rows: usize, columns: usize| WrittenCell { cell: Located::new(line, "x"), rows, columns };
        let grouped = rows(vec![cell(1, 2, 1), cell(1, 1, 1), cell(2, 1, 1), cell(3, 1, 2)], 2);
        let shape: Vec<(u32, usize)> = grouped.iter().map(|(line, cells)| (*line, cells.len())).collect();
        assert_eq!(shape, [(1, 2), (2, 1), (3, 1)]);
    }
}
