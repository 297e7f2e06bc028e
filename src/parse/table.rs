//! What a table is, from its header: a port table (and where its three columns are), a summary
//! table that repeats the per-service tables, or a table kbingest does not read. Every format's
//! tables are told apart here, once.

use super::Table;
use crate::anomaly::{Anomaly, AnomalyKind};

/// Where the three columns of a port table are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    /// The application protocol column.
    pub application: usize,
    /// The protocol (transport) column.
    pub protocol: usize,
    /// The port column.
    pub port: usize,
}

/// What a table is, from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// A port table: application protocol, protocol, port (in any order, among other columns).
    Ports(Columns),
    /// A summary table (it has a system service name column): it repeats the per-service tables.
    Summary,
    /// Any other table.
    Unrecognized,
}

/// Whether a header cell says `name`, in any case and spacing (allocating nothing: every table
/// of a long document is asked, more than once).
fn says(cell: &str, name: &str) -> bool {
    let mut words = cell.split_whitespace();
    name.split(' ').all(|w| words.next().is_some_and(|c| c.eq_ignore_ascii_case(w))) && words.next().is_none()
}

impl Table {
    /// What the table is, from its header.
    pub fn kind(&self) -> TableKind {
        let find = |wanted: &[&str]| self.header.iter().position(|h| wanted.iter().any(|name| says(h, name)));
        if find(&["system service name", "system service"]).is_some() {
            return TableKind::Summary;
        }
        match (find(&["application protocol", "application"]), find(&["protocol"]), find(&["port", "ports"])) {
            (Some(application), Some(protocol), Some(port)) => {
                TableKind::Ports(Columns { application, protocol, port })
            }
            _ => TableKind::Unrecognized,
        }
    }

    /// Whether the table is a port table.
    pub fn is_port_table(&self) -> bool {
        matches!(self.kind(), TableKind::Ports(_))
    }

    /// The ledger entry for a table that is not loaded (a summary or unrecognized table);
    /// `None` for a port table.
    pub fn not_loaded(&self) -> Option<Anomaly> {
        let (kind, what) = match self.kind() {
            TableKind::Ports(_) => return None,
            TableKind::Summary => {
                (AnomalyKind::SummaryTable, "summary table repeats the per-service tables; not loaded")
            }
            TableKind::Unrecognized => (
                AnomalyKind::UnrecognizedTable,
                "table's header is not application protocol, protocol, port; not loaded",
            ),
        };
        let header = self.header.iter().map(|h| h.split_whitespace().collect::<Vec<_>>().join(" "));
        Some(Anomaly::new(
            self.line,
            kind,
            header.collect::<Vec<_>>().join(" | "),
            None,
            format!("This {}-row {what}.", self.rows.len()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(header: &[&str]) -> Table {
        Table { line: 7, header: header.iter().map(|h| h.to_string()).collect(), rows: vec![] }
    }

    #[test]
    fn port_headers_in_their_variants() {
        let regular = Columns { application: 0, protocol: 1, port: 2 };
        assert_eq!(table(&["Application protocol", "Protocol", "Port"]).kind(), TableKind::Ports(regular));
        assert_eq!(table(&["Application", "Protocol", " Ports"]).kind(), TableKind::Ports(regular));
        assert_eq!(table(&[" Application\u{a0}protocol", " Protocol", " Ports "]).kind(), TableKind::Ports(regular));
        let moved = Columns { application: 2, protocol: 1, port: 0 };
        assert_eq!(table(&["Port", "Protocol", "Application protocol"]).kind(), TableKind::Ports(moved));
    }

    #[test]
    fn summary_and_other_tables() {
        let summary = table(&["Port", "Protocol", "Application protocol", "System service name"]);
        assert_eq!(summary.kind(), TableKind::Summary);
        let a = summary.not_loaded().unwrap();
        assert_eq!((a.line, a.kind), (7, AnomalyKind::SummaryTable));
        assert_eq!(a.raw, "Port | Protocol | Application protocol | System service name");
        let other = table(&["Setting", "Value"]);
        assert_eq!(other.kind(), TableKind::Unrecognized);
        assert_eq!(other.not_loaded().unwrap().kind, AnomalyKind::UnrecognizedTable);
        assert!(table(&["Application protocol", "Protocol", "Port"]).not_loaded().is_none());
    }
}
