//! Normalization: a pure function from a parsed [`Section`] to the clean rows the database stores
//! (a service and its port rules) plus an anomaly for every departure from the regular form and a
//! problem for every row that cannot be read.

pub mod port;
pub mod service_name;
pub mod text;
pub mod transport;

pub use port::{PortKind, PortSpec};
pub use transport::Transport;

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::error::Problem;
use crate::parse::sections::Section;
use crate::parse::table::{RowCells, TableKind};
use crate::parse::{Located, TableRow};
use std::collections::HashMap;
use text::clean;

/// The dynamic port range a Windows Server 2003-era document means by `RANDOM`.
pub const LEGACY_DYNAMIC_RANGE: (u16, u16) = (1025, 5000);

/// What normalization may be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NormalizeOptions {
    /// What `RANDOM` means (`--dynamic-range`).
    pub dynamic_range: (u16, u16),
}

impl Default for NormalizeOptions {
    fn default() -> Self {
        NormalizeOptions { dynamic_range: LEGACY_DYNAMIC_RANGE }
    }
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
    /// The normalized transport.
    pub transport: Transport,
    /// The ports.
    pub port: PortSpec,
    /// The port cell's words for this rule.
    pub port_raw: String,
    /// The protocol cell's words.
    pub transport_raw: String,
    /// Line where the table row begins.
    pub line: u32,
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
}

fn row_raw(row: &TableRow) -> String {
    let cells: Vec<&str> = row.cells.iter().map(|c| c.text.trim()).collect();
    if cells.iter().all(|c| c.is_empty()) {
        return format!("|{}|", cells.join("|"));
    }
    cells.join(" / ").replace('\n', " ")
}

/// Normalizes one section.
pub fn normalize_section(section: &Section, options: &NormalizeOptions) -> NormalizedSection {
    let mut out = NormalizedSection { anomalies: section.anomalies.clone(), ..Default::default() };
    let mut port_tables = 0;
    let mut seen = SeenRules::default();
    for table in &section.tables {
        match table.kind() {
            TableKind::Ports(columns) => {
                port_tables += 1;
                let rows = table.rows_by_role(&columns);
                out.anomalies.extend(rows.anomalies);
                for cells in &rows.rows {
                    normalize_row(cells, options, &mut seen, &mut out);
                }
            }
            TableKind::Summary(_) | TableKind::Unrecognized => out.anomalies.extend(table.not_loaded()),
        }
    }
    if port_tables > 0 {
        let title_line = section.title.line;
        let mut title_notes = Vec::new();
        let title = text::one_line(clean(&section.title.text, title_line, "title", &mut title_notes));
        text::ledger_markup(&section.title, title_line, &title, "title", &mut out.anomalies);
        out.anomalies.append(&mut title_notes);
        let title_at = Located::new(section.title.line, title.clone());
        let system_service_name =
            service_name::read_system_service_name(&section.system_service_lines, &title_at, &mut out.anomalies);
        for caption in &section.captions {
            out.anomalies.push(Anomaly::new(
                caption.line,
                AnomalyKind::TableCaption,
                caption.text.clone(),
                None,
                format!("A caption before the table of \"{title}\"; it is not a service and was not loaded."),
            ));
        }
        let description: Vec<String> = section.description.iter().map(|p| text::collapse_whitespace(&p.text)).collect();
        out.service = Some(Service {
            title,
            system_service_name,
            description: description.join("\n"),
            first_line: section.title.line,
            last_line: section.last_line(),
        });
    }
    out.anomalies.sort_by_key(|a| a.line);
    out
}

/// The problem of a row with fewer cells than its table has columns.
fn cut_short(row: &TableRow, width: usize) -> String {
    let found: Vec<String> = row.cells.iter().map(|c| format!("\"{}\"", c.text.trim())).collect();
    format!(
        "table row cut short: expected {width} cells (application protocol, protocol, port), found {}{}",
        row.cells.len(),
        if found.is_empty() { String::new() } else { format!(": {}", found.join(", ")) }
    )
}

/// Normalizes one table row into zero or more rules, ledgering as it goes.
fn normalize_row(cells: &RowCells<'_>, options: &NormalizeOptions, seen: &mut SeenRules, out: &mut NormalizedSection) {
    let (row, line, header_cells) = (cells.row, cells.line, cells.header_len);
    // A problem points at the cell it is about, so an editor can jump to it.
    let cell_line = |cell: Option<&Located>| cell.map_or(line, |c| c.line);
    let problem_at = |at: u32, message: String| Problem { line: at, raw: row_raw(row), message };
    let problem = |message: String| problem_at(line, message);
    if row.cells.iter().all(|c| c.text.trim().is_empty()) {
        out.anomalies.push(Anomaly::new(
            line,
            AnomalyKind::EmptyRow,
            row_raw(row),
            None,
            "A table row with every cell empty; nothing to load.",
        ));
        return;
    }
    let width = header_cells;
    let (Some(application_cell), Some(protocol_cell)) = (cells.application, cells.transport) else {
        out.problems.push(problem(cut_short(row, width)));
        return;
    };
    // Anomalies of a row that turns out unreadable are not kept: the problem says it all.
    let mut notes = Vec::new();
    // Markup the reader removed is ledgered before what `clean` removes (footnote marks), in the
    // order the two were removed.
    let read_cell = |located: &Located, what: &str, notes: &mut Vec<Anomaly>| {
        let mut marks = Vec::new();
        let cleaned = clean(&located.text, line, what, &mut marks);
        text::ledger_markup(located, line, &cleaned, what, notes);
        notes.append(&mut marks);
        cleaned
    };
    let application = text::one_line(read_cell(application_cell, "application protocol", &mut notes));
    if application.is_empty() {
        out.problems
            .push(problem("empty application protocol cell: expected the name of an application protocol".into()));
        return;
    }
    let transport_raw = text::one_line(read_cell(protocol_cell, "protocol cell", &mut notes));
    let transports = match transport::parse_transport(&transport_raw, &application, line, &mut notes) {
        Ok(t) => t,
        Err(message) => return out.problems.push(problem_at(cell_line(cells.transport), message)),
    };
    let port_cell = match cells.port {
        Some(located) => read_cell(located, "port cell", &mut notes),
        // Only a transport without ports may go without a port cell.
        None if !transports.is_empty() && transports.iter().all(|t| !t.has_ports()) => {
            notes.push(Anomaly::new(
                line,
                AnomalyKind::MissingCell,
                row_raw(row),
                None,
                "The row has no port cell; read as an empty port cell.",
            ));
            String::new()
        }
        None => {
            return out.problems.push(problem(cut_short(row, width)));
        }
    };
    let extra: Vec<&str> = row.cells.iter().skip(header_cells).map(|c| c.text.trim()).collect();
    if extra.iter().any(|c| !c.is_empty()) {
        notes.push(Anomaly::new(
            line,
            AnomalyKind::ExtraCell,
            extra.join(" / ").replace('\n', " "),
            None,
            format!("The row has {} cell(s) more than its header; they were not loaded.", extra.len()),
        ));
    }
    let values = match port::parse_ports(&port_cell, &application, options.dynamic_range, line, &mut notes) {
        Ok(v) => v,
        Err(message) => return out.problems.push(problem_at(cell_line(cells.port), message)),
    };
    let mut rules = Vec::new();
    for value in &values {
        let named;
        let for_value: &[Transport] = match value.transport {
            Some(t) => {
                named = [t];
                &named
            }
            None => &transports,
        };
        if for_value.is_empty() {
            return out.problems.push(problem("empty protocol cell: expected TCP, UDP, GRE, ESP, AH or ICMP".into()));
        }
        for &t in for_value {
            match (t.has_ports(), value.spec.kind) {
                (true, PortKind::None) => {
                    let found = if value.raw.is_empty() { "nothing".to_string() } else { format!("\"{}\"", value.raw) };
                    let message = format!("{} needs a port number, found {found}", t.name());
                    return out.problems.push(problem_at(cell_line(cells.port), message));
                }
                (false, kind) if kind != PortKind::None => {
                    return out.problems.push(problem(format!(
                        "{} has no ports, but the port cell says \"{}\": expected n/a or an empty cell",
                        t.name(),
                        value.raw
                    )));
                }
                (false, _) => notes.push(Anomaly::new(
                    line,
                    AnomalyKind::NoPort,
                    value.raw.clone(),
                    Some(format!("no port (IP protocol {})", t.ip_protocol())),
                    format!("{} (IP protocol {}) has no ports; loaded with no port.", t.name(), t.ip_protocol()),
                )),
                _ => {}
            }
            rules.push(PortRule {
                application_protocol: application.clone(),
                transport: t,
                port: value.spec,
                port_raw: value.raw.clone(),
                transport_raw: transport_raw.clone(),
                line,
            });
        }
    }
    out.anomalies.append(&mut notes);
    for rule in rules {
        if let Some(first) = seen.first_line(&out.rules, &rule) {
            out.anomalies.push(Anomaly::new(
                line,
                AnomalyKind::DuplicateRow,
                format!("{} / {} / {}", rule.application_protocol, rule.transport_raw, rule.port_raw),
                None,
                format!("This row repeats the row at line {first} of the same section; loaded once."),
            ));
        } else {
            seen.record(&rule, out.rules.len());
            out.rules.push(rule);
        }
    }
}

/// The rules of a section loaded so far, to tell a repeated row. Sections are small, so a scan of
/// the section's rules does until one grows large; then an index takes over.
#[derive(Default)]
struct SeenRules {
    index: Option<HashMap<(String, Transport, PortSpec), usize>>,
}

impl SeenRules {
    const SCAN_LIMIT: usize = 32;

    fn key(rule: &PortRule) -> (String, Transport, PortSpec) {
        (rule.application_protocol.clone(), rule.transport, rule.port)
    }

    /// The line of the earlier rule that `rule` repeats, if any.
    fn first_line(&mut self, rules: &[PortRule], rule: &PortRule) -> Option<u32> {
        if rules.len() >= Self::SCAN_LIMIT && self.index.is_none() {
            self.index = Some(rules.iter().enumerate().map(|(i, r)| (Self::key(r), i)).collect());
        }
        let same = |r: &&PortRule| {
            r.transport == rule.transport && r.port == rule.port && r.application_protocol == rule.application_protocol
        };
        match &self.index {
            Some(index) => index.get(&Self::key(rule)).map(|&i| rules[i].line),
            None => rules.iter().find(same).map(|r| r.line),
        }
    }

    /// Notes that `rule` is loaded as the section's rule number `position`.
    fn record(&mut self, rule: &PortRule, position: usize) {
        if let Some(index) = &mut self.index {
            index.insert(Self::key(rule), position);
        }
    }
}

impl Problem {
    /// The ledger entry for a row skipped under `--lenient`.
    pub fn into_skipped(self) -> Anomaly {
        Anomaly::new(self.line, AnomalyKind::SkippedRow, self.raw, None, format!("Row skipped: {}.", self.message))
    }
}

#[cfg(test)]
mod tests;
