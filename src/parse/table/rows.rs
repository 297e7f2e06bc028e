//! The rows of a port table by role: what each cell of a row means, with the shapes of real pages
//! read as a person reads them (label rows that group the rows below them, continuation rows whose
//! empty first cell repeats the row above, footnotes below the table attached to the rows they mark).

use super::{Columns, PortTable, Role};
use crate::anomaly::{Anomaly, AnomalyKind};
use crate::parse::{Located, Table, TableRow};

/// One row of a port table, its cells by role. Cells the row lacks are `None`; the normalizer
/// reads the cells' words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowCells<'a> {
    /// Line where the row begins.
    pub line: u32,
    /// The row as the document has it (for messages, and cells beyond the header).
    pub row: &'a TableRow,
    /// How many cells the header has.
    pub header_len: usize,
    /// Application protocol, service, purpose or feature.
    pub application: Option<&'a Located>,
    /// The transport cell.
    pub transport: Option<&'a Located>,
    /// The port cell (for `Start Port`/`End Port`, the start).
    pub port: Option<&'a Located>,
    /// The end of the range begun in [`RowCells::port`] (`End Port`).
    pub port_end: Option<&'a Located>,
    /// Ports in columns named after a transport (`Description|UDP|TCP`): the header's words
    /// (e.g. `UDP`) and the cell.
    pub transport_ports: Vec<(&'a str, &'a Located)>,
    /// Further port columns of the same kind (`Internal port` beside `External port`): the header's
    /// words and the cell; each gives rules of its own.
    pub more_ports: Vec<(&'a str, &'a Located)>,
    /// Client (source) ports.
    pub client_port: Option<&'a Located>,
    /// Direction (`Inbound`, `Outbound`).
    pub direction: Option<&'a Located>,
    /// Where the traffic comes from.
    pub from: Option<&'a Located>,
    /// Where it goes.
    pub to: Option<&'a Located>,
    /// The remote address, host name or URL the row names.
    pub address: Option<&'a Located>,
    /// Remarks on the row: its note and comment cells, then the footnotes below the table that it
    /// marks (`†`, `*`, a superscript digit), in the page's words.
    pub notes: Vec<&'a Located>,
    /// The label row above that groups this row (`**Internet ports**| | |`), if any.
    pub group: Option<&'a Located>,
    /// The line of the row whose first cell this continuation row (empty first cell) repeats.
    pub continues: Option<u32>,
    /// Every cell under a header, header -> cell, for `row_cells`.
    pub all: Vec<(&'a str, &'a Located)>,
}

/// A port table's rows by role, and the ledger entries for rows that are not rules (label rows,
/// continuation rows).
#[derive(Debug, Clone, Default)]
pub struct TableRows<'a> {
    /// The rows that may hold rules, in document order.
    pub rows: Vec<RowCells<'a>>,
    /// What was noticed about the table's shape.
    pub anomalies: Vec<Anomaly>,
}

fn is_empty(cell: Option<&Located>) -> bool {
    cell.is_none_or(|c| c.text.trim().is_empty())
}

/// A label row: its first cell names a group and every other cell is empty, in a table of at least
/// three columns (a row cut short is a different matter: it has only the cells it has).
fn is_label(row: &TableRow, header_len: usize) -> bool {
    header_len >= 3
        && !is_empty(row.cells.first())
        && row.cells.len() >= 2
        && row.cells.iter().skip(1).all(|c| c.text.trim().is_empty())
}

/// The footnote mark a note below a table opens with (`†`, `*`, `(*)`, `¹`, a Markdown footnote's
/// `[^name]:`), if any.
pub fn footnote_mark(text: &str) -> Option<&str> {
    let t = text.trim_start();
    if let Some(rest) = t.strip_prefix("[^")
        && let Some(end) = rest.find("]:")
        && (1..=40).contains(&end)
        && !rest[..end].contains(char::is_whitespace)
    {
        return Some(&t[..end + 3]);
    }
    let end = t
        .char_indices()
        .take_while(|&(_, c)| matches!(c, '†' | '‡' | '*' | '§' | '(' | ')' | '[' | ']') || is_superscript(c))
        .map(|(i, c)| i + c.len_utf8())
        .last()?;
    let mark = t[..end].trim_matches(|c| matches!(c, '(' | ')' | '[' | ']'));
    (!mark.is_empty()).then_some(mark)
}

fn is_superscript(c: char) -> bool {
    matches!(c, '\u{b9}' | '\u{b2}' | '\u{b3}' | '\u{2070}'..='\u{2079}')
}

/// Whether a cell carries `mark` as a footnote mark (after a word, not as multiplication).
fn marks(cell: &str, mark: &str) -> bool {
    let is_mark = |c: char| matches!(c, '†' | '‡' | '*' | '§') || is_superscript(c);
    cell.match_indices(mark).any(|(i, _)| {
        let after = cell[i + mark.len()..].chars().next();
        let before = cell[..i].chars().next_back();
        // `*` is not the mark of `**`'s footnote, nor `**` of `*`'s.
        (mark.starts_with("[^") || after.is_none_or(|c| (c.is_whitespace() || c == ')' || c == ',') && !is_mark(c)))
            && before.is_some_and(|c| !is_mark(c))
            && !cell[..i].trim_end().is_empty()
    })
}

/// One paragraph of footnotes split into one per mark: `(*) ... (**) ...` is two footnotes.
/// Only marks in parentheses, daggers and superscript digits open a footnote inside a paragraph
/// (a bare `*` inside text is a wildcard as often as a mark).
pub fn split_footnotes(text: &Located) -> Vec<Located> {
    let t = text.text.as_str();
    let mut starts = vec![0];
    for (i, c) in t.char_indices().skip(1) {
        let after_space = t[..i].ends_with(char::is_whitespace);
        let opens = match c {
            '(' => t[i + 1..]
                .split_once(')')
                .is_some_and(|(m, _)| !m.is_empty() && m.chars().all(|c| matches!(c, '*' | '†' | '‡'))),
            '†' | '‡' => true,
            c => is_superscript(c),
        };
        if after_space && opens {
            starts.push(i);
        }
    }
    starts.push(t.len());
    starts
        .windows(2)
        .map(|w| t[w[0]..w[1]].trim())
        .filter(|part| !part.is_empty())
        .map(|part| Located { line: text.line, text: part.to_string(), markup: text.markup.clone() })
        .collect()
}

impl PortTable {
    /// The rows of this port table by role.
    pub fn rows(&self) -> TableRows<'_> {
        self.table.rows_by_role(&self.columns)
    }
}

impl Table {
    fn rows_by_role<'a>(&'a self, columns: &Columns) -> TableRows<'a> {
        let mut out = TableRows::default();
        let header_len = self.header.len();
        let first = columns.roles.first().copied();
        let mut group: Option<&'a Located> = None;
        let mut previous: Option<&'a TableRow> = None;
        for row in &self.rows {
            if is_label(row, header_len) {
                let label = &row.cells[0];
                out.anomalies.push(Anomaly::new(
                    row.line,
                    AnomalyKind::LabelRow,
                    label.text.clone(),
                    None,
                    "A row that labels the rows below it; no port of its own, kept as their group.",
                ));
                group = Some(label);
                continue;
            }
            let mut cells: Vec<Option<&'a Located>> = (0..header_len).map(|i| row.cells.get(i)).collect();
            let mut continues = None;
            let rest_filled = row.cells.iter().skip(1).any(|c| !c.text.trim().is_empty());
            if let (Some(above), true, true) = (previous, is_empty(row.cells.first()), rest_filled)
                && matches!(first, Some(Role::Application | Role::From | Role::To | Role::Other))
                && let Some(cell) = above.cells.first()
                && !cell.text.trim().is_empty()
            {
                out.anomalies.push(Anomaly::new(
                    row.line,
                    AnomalyKind::ContinuationRow,
                    String::new(),
                    Some(cell.text.clone()),
                    format!("A row whose first cell is empty continues the row at line {}; its first cell is read as that row's.", above.line),
                ));
                if let Some(slot) = cells.first_mut() {
                    *slot = Some(cell);
                }
                continues = Some(above.line);
            }
            out.rows.push(self.row_cells(columns, row, &cells, group, continues));
            if continues.is_none() {
                previous = Some(row);
            }
        }
        out
    }

    fn row_cells<'a>(
        &'a self,
        columns: &Columns,
        row: &'a TableRow,
        cells: &[Option<&'a Located>],
        group: Option<&'a Located>,
        continues: Option<u32>,
    ) -> RowCells<'a> {
        let by = |role: Role| columns.find(role).and_then(|i| cells.get(i).copied().flatten());
        let mut notes: Vec<&'a Located> = Vec::new();
        let mut transport_ports = Vec::new();
        let mut more_ports = Vec::new();
        let mut all = Vec::new();
        for (i, (role, header)) in columns.roles.iter().zip(&self.header).enumerate() {
            let Some(cell) = cells.get(i).copied().flatten() else { continue };
            if *role == Role::SystemServiceName {
                // A summary table's: the service's name, not the rule's.
                continue;
            }
            all.push((header.as_str(), cell));
            match role {
                Role::Note if !cell.text.trim().is_empty() => notes.push(cell),
                Role::TransportPort => transport_ports.push((header.trim().trim_matches('*').trim(), cell)),
                Role::MorePorts => more_ports.push((header.trim().trim_matches('*').trim(), cell)),
                _ => {}
            }
        }
        for footnote in &self.footnotes {
            if let Some(mark) = footnote_mark(&footnote.text)
                && row.cells.iter().any(|c| marks(&c.text, mark))
            {
                notes.push(footnote);
            }
        }
        RowCells {
            line: row.line,
            row,
            header_len: self.header.len(),
            application: by(Role::Application),
            transport: by(Role::Transport),
            port: by(Role::Port),
            port_end: by(Role::PortEnd),
            transport_ports,
            more_ports,
            client_port: by(Role::ClientPort),
            direction: by(Role::Direction),
            from: by(Role::From),
            to: by(Role::To),
            address: by(Role::Address),
            notes,
            group,
            continues,
            all,
        }
    }
}
