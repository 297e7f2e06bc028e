//! The ledger a normalization writes to as it goes: every departure from the regular form, at the
//! line it is about, so that nothing is changed silently.

use crate::anomaly::{Anomaly, AnomalyKind};

/// Anomalies noted while reading one row, title or line, all at one source line unless told
/// otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    line: u32,
    entries: Vec<Anomaly>,
}

impl Ledger {
    /// An empty ledger whose notes are about `line`.
    pub fn new(line: u32) -> Ledger {
        Ledger { line, entries: Vec::new() }
    }

    /// The line the notes are about.
    pub fn line(&self) -> u32 {
        self.line
    }

    /// Notes a departure at the ledger's line: what the document says (`raw`), what was loaded
    /// instead (`normalized`, `None` where nothing was) and one sentence a person understands.
    pub fn note(
        &mut self,
        kind: AnomalyKind,
        raw: impl Into<String>,
        normalized: Option<String>,
        message: impl Into<String>,
    ) {
        let line = self.line;
        self.note_at(line, kind, raw, normalized, message);
    }

    /// Notes a departure at another line than the ledger's (a title, a second label line).
    pub fn note_at(
        &mut self,
        line: u32,
        kind: AnomalyKind,
        raw: impl Into<String>,
        normalized: Option<String>,
        message: impl Into<String>,
    ) {
        self.entries.push(Anomaly::new(line, kind, raw, normalized, message));
    }

    /// Moves every note of `other` to the end of this ledger.
    pub fn append(&mut self, other: &mut Ledger) {
        self.entries.append(&mut other.entries);
    }

    /// The notes so far, in the order they were taken.
    pub fn entries(&self) -> &[Anomaly] {
        &self.entries
    }

    /// The notes, for the section's ledger.
    pub fn into_entries(self) -> Vec<Anomaly> {
        self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_carry_the_ledgers_line_unless_told() {
        let mut ledger = Ledger::new(7);
        ledger.note(AnomalyKind::PortRange, "1-2", Some("1-2".into()), "A range.");
        ledger.note_at(3, AnomalyKind::TableCaption, "Caption", None, "A caption.");
        let mut other = Ledger::new(9);
        other.note(AnomalyKind::NoPort, "n/a", None, "No port.");
        ledger.append(&mut other);
        assert!(other.entries().is_empty());
        let got: Vec<(u32, AnomalyKind)> = ledger.into_entries().into_iter().map(|a| (a.line, a.kind)).collect();
        assert_eq!(got, [(7, AnomalyKind::PortRange), (3, AnomalyKind::TableCaption), (9, AnomalyKind::NoPort)]);
    }
}
