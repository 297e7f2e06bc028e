//! A table's cells where the page spans them: a cell with `rowspan` stands in each row it spans
//! (the rows below it continue it, as a reader sees), a cell with `colspan` takes its columns (the
//! columns after the first get an empty cell), so every cell sits under its header.

use crate::parse::{Located, TableRow};

/// The most a span is taken to reach: enough for any real table, little enough that a page
/// saying `rowspan=100000` cannot make a reader allocate without end.
const MAX_SPAN: usize = 1000;

/// A cell as the page writes it, with its spans.
#[derive(Debug, Clone)]
pub struct WrittenCell {
    /// The cell.
    pub cell: Located,
    /// Rows it spans (1 for none).
    pub rows: usize,
    /// Columns it spans (1 for none).
    pub columns: usize,
}

/// Reads a `rowspan` or `colspan` attribute: 1 where it is absent or not a number.
pub fn span(value: Option<&str>) -> usize {
    value.and_then(|v| v.trim().parse::<usize>().ok()).unwrap_or(1).clamp(1, MAX_SPAN)
}

/// Lays out rows of written cells: each row gets the cells spanned into it from above.
pub fn lay_out(rows: Vec<(u32, Vec<WrittenCell>)>) -> Vec<TableRow> {
    // Per column: the cell spanning down into it, and for how many more rows.
    let mut above: Vec<Option<(usize, Located)>> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for (line, written) in rows {
        let mut cells: Vec<Located> = Vec::new();
        let mut written = written.into_iter();
        loop {
            let column = cells.len();
            if let Some(Some((left, cell))) = above.get_mut(column) {
                cells.push(cell.clone());
                *left -= 1;
                if *left == 0 {
                    above[column] = None;
                }
                continue;
            }
            let Some(WrittenCell { cell, rows, columns }) = written.next() else { break };
            for k in 0..columns {
                let here = if k == 0 { cell.clone() } else { Located::new(cell.line, "") };
                let column = cells.len();
                if above.len() <= column {
                    above.resize(column + 1, None);
                }
                if rows > 1 {
                    above[column] = Some((rows - 1, here.clone()));
                }
                cells.push(here);
            }
        }
        out.push(TableRow { line, cells });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str, rows: usize, columns: usize) -> WrittenCell {
        WrittenCell { cell: Located::new(1, text), rows, columns }
    }

    #[test]
    fn spanned_cells_stand_under_their_headers() {
        let rows = vec![
            (1, vec![cell("Service", 1, 1), cell("Protocol", 1, 1), cell("Port", 1, 1)]),
            (2, vec![cell("Internet ports", 1, 3)]),
            (3, vec![cell("DNS", 2, 1), cell("UDP", 1, 1), cell("53", 1, 1)]),
            (4, vec![cell("TCP", 1, 1), cell("53", 1, 1)]),
        ];
        let texts: Vec<Vec<String>> =
            lay_out(rows).into_iter().map(|r| r.cells.into_iter().map(|c| c.text).collect()).collect();
        assert_eq!(
            texts,
            [
                vec!["Service", "Protocol", "Port"],
                vec!["Internet ports", "", ""],
                vec!["DNS", "UDP", "53"],
                vec!["DNS", "TCP", "53"]
            ]
        );
        assert_eq!(span(Some(" 3 ")), 3);
        assert_eq!(span(Some("x")), 1);
        assert_eq!(span(Some("99999999")), MAX_SPAN);
    }
}
