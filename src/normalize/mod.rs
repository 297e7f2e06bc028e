//! Normalization: a pure function from a parsed [`Section`] to the clean rows the database stores
//! (a service and its port rules) plus an anomaly for every departure from the regular form and a
//! problem for every row that cannot be read. A summary table is judged here too ([`Summaries`]):
//! its rows go through the same row normalizer, with the columns the section finder decided.

pub mod dynamic_range;
mod elsewhere;
pub mod ledger;
pub mod port;
mod port_forms;
mod port_lists;
mod port_prose;
mod row;
mod rules;
mod service_match;
pub mod service_name;
mod summary;
pub mod text;
pub mod transport;
pub mod wide;
pub mod words;

pub use port::{PortKind, PortSpec};
pub use row::RuleContext;
pub use summary::Summaries;
pub use transport::Transport;
pub use words::Direction;

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::error::Problem;
use crate::parse::Located;
use crate::parse::sections::Section;
use ledger::Ledger;
use row::normalize_row;
use rules::SeenRules;

/// The dynamic port range a Windows Server 2003-era document means by `RANDOM`.
pub const LEGACY_DYNAMIC_RANGE: (u16, u16) = (1025, 5000);

/// What normalization may be told.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NormalizeOptions {
    /// What `RANDOM` means, where the user said (`--dynamic-range`); `None`: the range the row or
    /// the document states, else none (NULL ports).
    pub dynamic_range: Option<(u16, u16)>,
}

/// A service section, clean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// The title as the document has it.
    pub title: String,
    /// The logical name, e.g. `DNS`; `None` where the document gives none.
    pub system_service_name: Option<String>,
    /// The description paragraphs, one per line.
    pub description: String,
    /// Line of the title.
    pub first_line: u32,
    /// Last line of the section's last table.
    pub last_line: u32,
}

/// One clean row: a service needs this transport and port (or range) for this application protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortRule {
    /// The application protocol as the document names it.
    pub application_protocol: String,
    /// The normalized transport; `None` where the page gives a port but no transport.
    pub transport: Option<Transport>,
    /// The ports.
    pub port: PortSpec,
    /// The port cell's words for this rule.
    pub port_raw: String,
    /// The protocol cell's words.
    pub transport_raw: String,
    /// Line where the table row begins.
    pub line: u32,
    /// The ICMP message type, where the page names one (8: echo request).
    pub icmp_type: Option<u8>,
    /// The footnotes, remarks, labels and qualifiers attached to the rule, in the page's words,
    /// joined with `; `.
    pub note: Option<String>,
    /// What the row says besides its ports: direction, endpoints, client ports, every cell.
    pub context: RuleContext,
    /// A dynamic port whose cell, row and footnotes state no range: the document's prose may
    /// (the store gives it the range the whole document states, once it is read).
    pub awaits_document_range: bool,
}

/// The result of normalizing one section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NormalizedSection {
    /// The service; `None` when the section holds no port table (only summary or unknown tables).
    pub service: Option<Service>,
    /// Its port rules, in document order, each once.
    pub rules: Vec<PortRule>,
    /// Every departure from the regular form, with what was done about it.
    pub anomalies: Vec<Anomaly>,
    /// Rows that cannot be read.
    pub problems: Vec<Problem>,
    /// How many of the section's tables are port tables (found here, so callers need not ask again).
    pub port_tables: usize,
}

/// Normalizes one section.
pub fn normalize_section(section: &Section, options: &NormalizeOptions) -> NormalizedSection {
    let mut out = NormalizedSection { anomalies: section.anomalies.clone(), ..Default::default() };
    let mut seen = SeenRules::default();
    let title = text::collapse_whitespace(&section.title.text);
    for table in &section.tables {
        let rows = table.rows();
        out.anomalies.extend(rows.anomalies);
        for cells in &rows.rows {
            normalize_row(cells, options, &title, &mut seen, &mut out);
        }
    }
    out.port_tables = section.tables.len();
    if out.port_tables > 0 {
        let mut ledger = Ledger::new(section.title.line);
        let mut service = service_of(&section.title, &section.system_service_lines, &mut ledger);
        for caption in &section.captions {
            ledger.note_at(
                caption.line,
                AnomalyKind::TableCaption,
                caption.text.clone(),
                None,
                format!("A caption before the table of \"{}\"; it is not a service and was not loaded.", service.title),
            );
        }
        out.anomalies.extend(ledger.into_entries());
        let description: Vec<String> = section.description.iter().map(|p| text::collapse_whitespace(&p.text)).collect();
        service.description = description.join("\n");
        service.last_line = section.last_line();
        out.service = Some(service);
    }
    out.anomalies.sort_by_key(|a| a.line);
    out
}

/// The service a section's title and system service name lines give (no description; its last
/// line is its title's), ledgering what cleaning them changed.
pub(super) fn service_of(title: &Located, system_service_lines: &[Located], ledger: &mut Ledger) -> Service {
    let mut title_marks = Ledger::new(title.line);
    let cleaned = text::one_line(text::clean(&title.text, "title", &mut title_marks));
    text::ledger_markup(title, &cleaned, "title", ledger);
    ledger.append(&mut title_marks);
    let title_at = Located::new(title.line, cleaned.clone());
    let system_service_name = service_name::read_system_service_name(system_service_lines, &title_at, ledger);
    Service {
        title: cleaned,
        system_service_name,
        description: String::new(),
        first_line: title.line,
        last_line: title.line,
    }
}

impl Problem {
    /// The ledger entry for a row that cannot be read, left out while the rest loads.
    pub fn into_skipped(self) -> Anomaly {
        Anomaly::new(self.line, AnomalyKind::SkippedRow, self.raw, None, format!("Row skipped: {}.", self.message))
    }
}

#[cfg(test)]
mod tests;
