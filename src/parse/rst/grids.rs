//! reStructuredText's two drawn tables, after docutils' table parsers: grid tables (`+---+---+`,
//! cells as rectangles, so spanning rows and columns, the header above a `+===+` line) and simple
//! tables (`===  ===` borders, a header above the second border, a row continued on lines whose
//! first column is blank, `---` lines joining header columns). Each cell's lines are handed back
//! as the lines they are (with their numbers), for the reader to read as a cell.

use super::Src;

/// A cell as drawn: its lines, and the rows and columns it spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnCell {
    /// The cell's lines, its left edge removed.
    pub lines: Vec<Src>,
    /// Rows spanned (1 for none).
    pub rows: usize,
    /// Columns spanned (1 for none).
    pub columns: usize,
}

/// A drawn table: rows of cells, and how many of the first rows are the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    /// Each row's first line and its cells, in order.
    pub rows: Vec<(u32, Vec<DrawnCell>)>,
    /// How many rows form the header.
    pub header_rows: usize,
}

/// Whether a line is a grid table's border (`+---+---+` or `+===+`).
pub fn is_grid_border(line: &str) -> bool {
    let t = line.trim_end();
    t.len() >= 3
        && t.starts_with('+')
        && t.ends_with('+')
        && t.chars().all(|c| "+-=".contains(c))
        && t.contains(['-', '='])
}

/// Whether a line is a simple table's border: two or more runs of `=` with spaces between.
pub fn is_simple_border(line: &str) -> bool {
    let t = line.trim_end();
    !t.is_empty() && t.chars().all(|c| c == '=' || c == ' ') && t.split_whitespace().count() >= 2 && !t.starts_with(' ')
}

/// The character at `(row, column)` of a grid, a space beyond its edge.
fn at(grid: &[Vec<char>], row: usize, column: usize) -> char {
    grid.get(row).and_then(|r| r.get(column)).copied().unwrap_or(' ')
}

/// The bottom-right corner of the cell whose top-left corner is `(top, left)`, as docutils finds it.
fn cell_end(grid: &[Vec<char>], top: usize, left: usize) -> Option<(usize, usize)> {
    let width = grid.get(top)?.len();
    for right in left + 1..width {
        match at(grid, top, right) {
            '+' => {
                // Down the right edge to a corner from which the bottom edge leads back left.
                for bottom in top + 1..grid.len() {
                    match at(grid, bottom, right) {
                        '+' => {
                            let bottom_ok = (left + 1..right).all(|c| "-=+".contains(at(grid, bottom, c)))
                                && at(grid, bottom, left) == '+';
                            let left_ok = (top + 1..bottom).all(|r| "|+".contains(at(grid, r, left)));
                            if bottom_ok && left_ok {
                                return Some((bottom, right));
                            }
                        }
                        '|' => {}
                        _ => break,
                    }
                }
            }
            '-' | '=' => {}
            _ => return None,
        }
    }
    None
}

/// Reads a grid table from its lines (first and last a border).
pub fn grid_table(lines: &[Src]) -> Drawn {
    let grid: Vec<Vec<char>> = lines.iter().map(|l| l.text.trim_end().chars().collect()).collect();
    let header_end = grid.iter().position(|r| r.first() == Some(&'+') && r.contains(&'='));
    let mut corners = vec![(0usize, 0usize)];
    let mut done = std::collections::BTreeSet::new();
    let mut cells = Vec::new();
    while let Some((top, left)) = corners.pop() {
        if !done.insert((top, left)) || top + 1 >= grid.len() {
            continue;
        }
        let Some((bottom, right)) = cell_end(&grid, top, left) else { continue };
        cells.push((top, left, bottom, right));
        corners.push((top, right));
        corners.push((bottom, left));
    }
    let mut row_edges: Vec<usize> = cells.iter().flat_map(|c| [c.0, c.2]).collect();
    let mut column_edges: Vec<usize> = cells.iter().flat_map(|c| [c.1, c.3]).collect();
    row_edges.sort_unstable();
    row_edges.dedup();
    column_edges.sort_unstable();
    column_edges.dedup();
    cells.sort_unstable();
    let index = |edges: &[usize], at: usize| edges.binary_search(&at).unwrap_or(0);
    let mut rows: Vec<(u32, Vec<DrawnCell>)> = Vec::new();
    for (top, left, bottom, right) in cells {
        let row = index(&row_edges, top);
        let text: Vec<Src> = (top + 1..bottom)
            .map(|r| {
                let chars = &grid[r];
                let inner: String = chars.get(left + 1..right.min(chars.len())).unwrap_or_default().iter().collect();
                Src { number: lines[r].number, text: inner }
            })
            .collect();
        let cell = DrawnCell {
            lines: text,
            rows: index(&row_edges, bottom) - row,
            columns: index(&column_edges, right) - index(&column_edges, left),
        };
        while rows.len() <= row {
            let number = row_edges.get(rows.len()).and_then(|&r| lines.get(r + 1)).map_or(0, |l| l.number);
            rows.push((number, Vec::new()));
        }
        rows[row].1.push(cell);
    }
    let header_rows = header_end.map_or(0, |end| row_edges.iter().filter(|&&r| r < end).count());
    Drawn { rows, header_rows }
}

/// Where each column of a simple table's border starts and ends (in characters).
fn columns(border: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in border.chars().chain([' ']).enumerate() {
        match (c, start) {
            ('=', None) => start = Some(i),
            (' ', Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The text of a line between two character positions (to the end for `None`).
fn slice(line: &str, from: usize, to: Option<usize>) -> String {
    let chars = line.chars().skip(from);
    match to {
        Some(to) => chars.take(to.saturating_sub(from)).collect(),
        None => chars.collect(),
    }
}

/// Reads a simple table from its lines (first and last a border).
pub fn simple_table(lines: &[Src]) -> Drawn {
    let columns = columns(&lines[0].text);
    let borders: Vec<usize> = (0..lines.len()).filter(|&i| is_simple_border(&lines[i].text)).collect();
    let header_end = (borders.len() > 2).then(|| borders[1]);
    let mut rows: Vec<(u32, Vec<DrawnCell>)> = Vec::new();
    let mut header_rows = 0;
    for (i, line) in lines.iter().enumerate() {
        if borders.contains(&i) || line.text.trim().is_empty() {
            continue;
        }
        let text = line.text.trim_end();
        // A line of dashes joins the columns above it (a spanning header cell).
        if text.chars().all(|c| c == '-' || c == ' ') {
            if let Some((_, cells)) = rows.last_mut() {
                let spans = text.split_whitespace().count();
                if spans < cells.len() {
                    let mut joined: Vec<DrawnCell> = Vec::new();
                    for run in self::columns(&text.replace('-', "=")) {
                        let covered: Vec<usize> =
                            (0..columns.len()).filter(|&k| columns[k].0 >= run.0 && columns[k].1 <= run.1).collect();
                        let Some(&first) = covered.first() else { continue };
                        let Some(mut cell) = cells.get(first).cloned() else { continue };
                        // The columns' slices of each line, side by side, are the line's text again.
                        for &k in &covered[1..] {
                            for (line, more) in
                                cell.lines.iter_mut().zip(cells.get(k).map(|c| c.lines.clone()).unwrap_or_default())
                            {
                                line.text.push_str(&more.text);
                            }
                        }
                        cell.columns = covered.len();
                        joined.push(cell);
                    }
                    *cells = joined;
                }
            }
            continue;
        }
        let in_header = header_end.is_some_and(|end| i < end);
        let continued = !columns.is_empty() && slice(text, 0, Some(columns[0].1)).trim().is_empty();
        if continued && let Some((_, cells)) = rows.last_mut() {
            for (k, cell) in cells.iter_mut().enumerate() {
                let to = columns.get(k + 1).map(|c| c.0);
                let from = columns.get(k).map_or(0, |c| c.0);
                cell.lines.push(Src { number: line.number, text: slice(text, from, to) });
            }
            continue;
        }
        let cells = (0..columns.len())
            .map(|k| {
                let to = columns.get(k + 1).map(|c| c.0);
                DrawnCell {
                    lines: vec![Src { number: line.number, text: slice(text, columns[k].0, to) }],
                    rows: 1,
                    columns: 1,
                }
            })
            .collect();
        rows.push((line.number, cells));
        if in_header {
            header_rows = rows.len();
        }
    }
    Drawn { rows, header_rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Vec<Src> {
        text.lines().enumerate().map(|(i, l)| Src { number: i as u32 + 1, text: l.to_string() }).collect()
    }

    fn texts(drawn: &Drawn) -> Vec<Vec<String>> {
        drawn
            .rows
            .iter()
            .map(|(_, cells)| {
                cells
                    .iter()
                    .map(|c| {
                        let words: Vec<&str> = c.lines.iter().flat_map(|l| l.text.split_whitespace()).collect();
                        format!(
                            "{}{}",
                            words.join(" "),
                            if c.rows > 1 || c.columns > 1 {
                                format!("[{}x{}]", c.rows, c.columns)
                            } else {
                                String::new()
                            }
                        )
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn grid_tables_read_spans_and_multi_line_cells() {
        let table = format!(
            "+----------+----------+------+\n\
             | Service  | Protocol | Port |\n\
             +==========+==========+======+\n\
             | DNS      | UDP      | 53   |\n\
             | server   |          |      |\n\
             |          +----------+------+\n\
             |          | TCP      | 53   |\n\
             +----------+----------+------+\n\
             |{:<28}|\n\
             +{}+\n",
            " Internet ports",
            "-".repeat(28)
        );
        let drawn = grid_table(&src(&table));
        assert_eq!(drawn.header_rows, 1);
        assert_eq!(
            texts(&drawn),
            [
                vec!["Service", "Protocol", "Port"],
                vec!["DNS server[2x1]", "UDP", "53"],
                vec!["TCP", "53"],
                vec!["Internet ports[1x3]"]
            ]
        );
        let lines: Vec<u32> = drawn.rows.iter().map(|r| r.0).collect();
        assert_eq!(lines, [2, 4, 7, 9]);
    }

    #[test]
    fn simple_tables_read_continuation_lines_and_spans() {
        let table = "=====  ========  ==========\n\
                     Port   Protocol  Purpose\n\
                     -----  --------------------\n\
                     =====  ========  ==========\n\
                     53     UDP       DNS\n\
                     \x20      TCP       zone transfers\n\
                     \n\
                     443    TCP       web, more words\n\
                     =====  ========  ==========\n";
        let lines = src(table);
        assert!(is_simple_border(&lines[0].text) && !is_simple_border("Port  Protocol"));
        let drawn = simple_table(&lines);
        assert_eq!(drawn.header_rows, 1);
        assert_eq!(
            texts(&drawn),
            [
                vec!["Port", "Protocol Purpose[1x2]"],
                vec!["53", "UDP TCP", "DNS zone transfers"],
                vec!["443", "TCP", "web, more words"]
            ]
        );
    }
}
