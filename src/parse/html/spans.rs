//! A table's cells where the page spans them: a cell with `rowspan` stands in each row it spans
//! (the rows below it continue it, as a reader sees), a cell with `colspan` takes its columns (the
//! columns after the first get an empty cell), so every cell sits under its header.

use crate::error::Result;
use crate::parse::{Located, TableRow};
use crate::stop::Stop;

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

/// What spans may add to a page: the cells a table lays out, and the copies spans make across
/// the whole page (their count and the bytes of text they repeat). Spent as tables are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// The most cells one table lays out.
    pub cells_per_table: usize,
    /// Cells that rowspan and colspan may still add to the page.
    pub copies_left: usize,
    /// Bytes of cell text that rowspan may still repeat on the page.
    pub bytes_left: u64,
}

/// A table whose layout goes beyond the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    /// The table lays out more cells than a table may.
    Cells,
    /// The page's spans add more cells than they may.
    Copies,
    /// The page's spans repeat more text than they may.
    Bytes,
}

impl Default for Budget {
    /// A page's budget under the default limits.
    fn default() -> Budget {
        Budget::for_page(&crate::parse::PageLimits::default())
    }
}

impl Budget {
    /// A page's budget under `limits`.
    pub fn for_page(limits: &crate::parse::PageLimits) -> Budget {
        Budget {
            cells_per_table: limits.table_cells,
            copies_left: limits.table_cells,
            bytes_left: limits.repeated_bytes,
        }
    }

    /// The refusal of the table at `line` of `path` for going beyond this budget.
    pub fn refusal(&self, path: &str, line: u32, overflow: Overflow) -> crate::error::Error {
        let cells = crate::parse::limits::thousands(self.cells_per_table as u64);
        let problem = match overflow {
            Overflow::Cells => {
                format!("the table lays out more than {cells} cells (rowspan and colspan repeat its cells)")
            }
            Overflow::Copies => format!("rowspan and colspan add more than {cells} cells to the page in all"),
            Overflow::Bytes => "rowspan repeats more cell text than --max-input-size allows the whole page".to_string(),
        };
        let option = if overflow == Overflow::Bytes { "--max-input-size" } else { "--max-table-cells" };
        crate::error::Error::input_at(
            path,
            line,
            problem,
            format!("if the page is one you trust, raise the limit with {option}"),
        )
    }

    fn copy(&mut self, cell: &Located) -> Result<(), Overflow> {
        let bytes = (cell.text.len() + cell.markup.as_ref().map_or(0, String::len)) as u64;
        self.copies_left = self.copies_left.checked_sub(1).ok_or(Overflow::Copies)?;
        self.bytes_left = self.bytes_left.checked_sub(bytes).ok_or(Overflow::Bytes)?;
        Ok(())
    }
}

/// [`lay_out`] for the readers that read a whole document before anyone could ask to stop it
/// (reStructuredText, AsciiDoc).
pub fn lay_out_within(rows: Vec<(u32, Vec<WrittenCell>)>, budget: &mut Budget) -> Result<Vec<TableRow>, Overflow> {
    lay_out(rows, budget, Stop::NEVER).unwrap_or(Err(Overflow::Cells))
}

/// Lays out rows of written cells: each row gets the cells spanned into it from above. Refused
/// (`Ok(Err(_))`) beyond `budget`; `stop` is asked at every row.
pub fn lay_out(
    rows: Vec<(u32, Vec<WrittenCell>)>,
    budget: &mut Budget,
    stop: Stop,
) -> Result<Result<Vec<TableRow>, Overflow>> {
    // Per column: the cell spanning down into it, and for how many more rows.
    let mut above: Vec<Option<(usize, Located)>> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    let mut laid_out = 0usize;
    for (line, written) in rows {
        stop.check()?;
        let mut cells: Vec<Located> = Vec::new();
        let mut written = written.into_iter();
        loop {
            if laid_out + cells.len() >= budget.cells_per_table {
                return Ok(Err(Overflow::Cells));
            }
            let column = cells.len();
            if let Some(Some((left, cell))) = above.get_mut(column) {
                if let Err(overflow) = budget.copy(cell) {
                    return Ok(Err(overflow));
                }
                cells.push(cell.clone());
                *left -= 1;
                if *left == 0 {
                    above[column] = None;
                }
                continue;
            }
            let Some(WrittenCell { cell, rows, columns }) = written.next() else { break };
            for k in 0..columns {
                if k > 0 && budget.copies_left == 0 {
                    return Ok(Err(Overflow::Copies));
                }
                if k > 0 {
                    budget.copies_left -= 1;
                }
                if laid_out + cells.len() >= budget.cells_per_table {
                    return Ok(Err(Overflow::Cells));
                }
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
        laid_out += cells.len();
        out.push(TableRow { line, cells });
    }
    Ok(Ok(out))
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
        let mut budget = Budget { cells_per_table: 100, copies_left: 100, bytes_left: 1000 };
        let laid_out = lay_out(rows, &mut budget, Stop::NEVER).unwrap().unwrap();
        let texts: Vec<Vec<String>> =
            laid_out.into_iter().map(|r| r.cells.into_iter().map(|c| c.text).collect()).collect();
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
        assert_eq!(budget, Budget { cells_per_table: 100, copies_left: 97, bytes_left: 997 });
    }

    #[test]
    fn spans_beyond_the_budget_are_refused() {
        let square = |n: usize| (0..n).map(|i| (i as u32, vec![cell("x", if i == 0 { n } else { 1 }, n)])).collect();
        let lay = |budget: &mut Budget, n| lay_out(square(n), budget, Stop::NEVER).unwrap().map(|r| r.len());
        let roomy = Budget { cells_per_table: 1_000_000, copies_left: 1_000_000, bytes_left: 1 << 20 };
        assert_eq!(lay(&mut roomy.clone(), 100), Ok(100));
        assert_eq!(lay(&mut Budget { cells_per_table: 5000, ..roomy }, 100), Err(Overflow::Cells));
        assert_eq!(lay(&mut Budget { copies_left: 5000, ..roomy }, 100), Err(Overflow::Copies));
        assert_eq!(lay(&mut Budget { bytes_left: 50, ..roomy }, 100), Err(Overflow::Bytes));
    }
}
