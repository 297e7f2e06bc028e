//! What a table is and what its columns mean: a port table (and the role of each column, found by
//! what its header says, in any order and wording), a summary table that repeats the per-service
//! tables, or a table kbingest does not read. Every format's tables are told apart here, once; the
//! rows of a port table are handed on by role ([`RowCells`]).

mod roles;
mod rows;

pub use roles::{Role, holds_port_number};
pub use rows::{RowCells, TableRows, footnote_mark, split_footnotes};

use super::Table;
use crate::anomaly::{Anomaly, AnomalyKind};

/// The role of each column of a port table, in the header's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// One role per header cell.
    pub roles: Vec<Role>,
}

impl Columns {
    /// The first column with `role`.
    pub fn find(&self, role: Role) -> Option<usize> {
        self.roles.iter().position(|&r| r == role)
    }
}

/// A table with its columns decided: what the section finder hands on, so that nothing after it
/// works the roles out again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortTable {
    /// The table as the document lays it out.
    pub table: Table,
    /// The role of each of its columns.
    pub columns: Columns,
}

/// What a table is, from its header (or, for a header that names no port, from its cells).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableKind {
    /// A port table: it has a port column (or a column per transport holding ports).
    Ports(PortTable),
    /// A summary table (it has a system service name column): it repeats the per-service tables.
    Summary(PortTable),
    /// Any other table.
    Unrecognized(Table),
}

/// Whether a row of several short cells names a port column (or a column per transport), as a
/// header does (a layout table's one cell holding a whole page does not).
pub fn header_names_ports(header: &[String]) -> bool {
    let short = |h: &String| h.split_whitespace().count() <= 6;
    header.len() >= 2 && header.iter().all(short) && header.iter().any(|h| roles::names_ports(h))
}

impl TableKind {
    /// Whether the table is a port table.
    pub fn is_port_table(&self) -> bool {
        matches!(self, TableKind::Ports(_))
    }

    /// The table, whatever its kind.
    pub fn table(&self) -> &Table {
        match self {
            TableKind::Ports(t) | TableKind::Summary(t) => &t.table,
            TableKind::Unrecognized(t) => t,
        }
    }

    /// The ledger entry for a table that is not loaded (a summary table, a table that holds no
    /// ports); `None` for a port table.
    pub fn not_loaded(&self) -> Option<Anomaly> {
        let (kind, what) = match self {
            TableKind::Ports(_) => return None,
            TableKind::Summary(_) => {
                (AnomalyKind::SummaryTable, "summary table repeats the per-service tables; not loaded")
            }
            TableKind::Unrecognized(_) => {
                (AnomalyKind::UnrecognizedTable, "table names no port column and its cells hold no ports; not loaded")
            }
        };
        let table = self.table();
        Some(Anomaly::new(
            table.line,
            kind,
            table.header_text(),
            None,
            format!("This {}-row {what}.", table.rows.len()),
        ))
    }
}

impl Table {
    /// What the table is, its column roles decided: the one place they are worked out (the
    /// section finder calls it once per table).
    pub fn classify(self) -> TableKind {
        let Some(roles) = roles::roles(&self.header, &self.rows) else { return TableKind::Unrecognized(self) };
        let columns = Columns { roles };
        if columns.find(Role::SystemServiceName).is_some() {
            TableKind::Summary(PortTable { table: self, columns })
        } else {
            TableKind::Ports(PortTable { table: self, columns })
        }
    }

    /// The table with its first row moved into its body where that row is data, not a header: a
    /// table without a header row whose cells hold ports (`|TCP 80|Web server|` first), as the
    /// rows below it do. The header is then empty, and the columns are found by their cells.
    pub fn with_data_header(mut self) -> Table {
        // A header holds no digits (checked first: every table of a long document comes here).
        let data = self.header.iter().any(|h| h.bytes().any(|b| b.is_ascii_digit()))
            && self.header.iter().any(|h| roles::holds_port(h))
            && !self.header.iter().any(|h| roles::names_a_role(h))
            && self.rows.iter().any(|r| r.cells.iter().any(|c| roles::holds_port(&c.text)));
        if data {
            let cells = self.header.iter().map(|h| super::Located::new(self.line, h.clone())).collect();
            self.rows.insert(0, super::TableRow { line: self.line, cells });
            self.header = vec![String::new(); self.header.len()];
        }
        self
    }

    /// The header cells joined, white space collapsed.
    pub fn header_text(&self) -> String {
        let header = self.header.iter().map(|h| h.split_whitespace().collect::<Vec<_>>().join(" "));
        header.collect::<Vec<_>>().join(" | ")
    }
}

/// A table of cell texts, its header on line 7 and its rows from line 9 (for the tests of the
/// readers and of the normalizer).
#[cfg(test)]
pub(crate) fn table_of_cells(header: &[&str], rows: &[&[&str]]) -> Table {
    use super::{Located, TableRow};
    let rows = rows
        .iter()
        .enumerate()
        .map(|(i, cells)| {
            let line = 9 + i as u32;
            TableRow { line, cells: cells.iter().map(|c| Located::new(line, *c)).collect() }
        })
        .collect();
    Table::new(7, header.iter().map(|h| h.to_string()).collect(), rows)
}

/// `table` as a port table, its columns decided (for tests that build sections by hand).
#[cfg(test)]
pub(crate) fn port_table_of(table: Table) -> PortTable {
    match table.classify() {
        TableKind::Ports(t) | TableKind::Summary(t) => t,
        TableKind::Unrecognized(t) => panic!("not a port table: {t:?}"),
    }
}

#[cfg(test)]
mod tests;
