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
use crate::parse::table::{Columns, TableKind};
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
                for row in &table.rows {
                    normalize_row(row, columns, table.header.len(), options, &mut seen, &mut out);
                }
            }
            TableKind::Summary | TableKind::Unrecognized => out.anomalies.extend(table.not_loaded()),
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
fn normalize_row(
    row: &TableRow,
    columns: Columns,
    header_cells: usize,
    options: &NormalizeOptions,
    seen: &mut SeenRules,
    out: &mut NormalizedSection,
) {
    let line = row.line;
    // A problem points at the cell it is about, so an editor can jump to it.
    let cell_line = |i: usize| row.cells.get(i).map_or(line, |c| c.line);
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
    let width = columns.application.max(columns.protocol).max(columns.port) + 1;
    let cell = |i: usize| row.cells.get(i);
    let (Some(application_cell), Some(protocol_cell)) = (cell(columns.application), cell(columns.protocol)) else {
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
        Err(message) => return out.problems.push(problem_at(cell_line(columns.protocol), message)),
    };
    let port_cell = match cell(columns.port) {
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
        Err(message) => return out.problems.push(problem_at(cell_line(columns.port), message)),
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
                    return out.problems.push(problem_at(cell_line(columns.port), message));
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
mod tests {
    use super::*;
    use crate::parse::Table;
    use crate::parse::sections::{Event, Sections};
    use crate::parse::text::TextBlocks;
    use crate::read::Line;

    fn normalize(doc: &str) -> Vec<NormalizedSection> {
        let lines = doc.split('\n').enumerate().map(|(i, t)| Ok(Line { number: i as u32 + 1, text: t.to_string() }));
        Sections::new(TextBlocks::new(lines))
            .filter_map(|e| match e.unwrap() {
                Event::Section(s) => Some(normalize_section(&s, &NormalizeOptions::default())),
                _ => None,
            })
            .collect()
    }

    fn kinds(n: &NormalizedSection) -> Vec<AnomalyKind> {
        n.anomalies.iter().map(|a| a.kind).collect()
    }

    #[test]
    fn a_regular_section_has_no_anomalies() {
        let got = normalize(
            "DNS Server\n\nAnswers.\n\nSystem Service Name DNS\n\nApplication protocol Protocol Port\nDNS\nUDP\n53",
        );
        let n = &got[0];
        assert_eq!(kinds(n), vec![]);
        let service = n.service.as_ref().unwrap();
        assert_eq!((service.title.as_str(), service.system_service_name.as_deref()), ("DNS Server", Some("DNS")));
        assert_eq!((service.first_line, service.last_line), (1, 10));
        assert_eq!(
            n.rules,
            vec![PortRule {
                application_protocol: "DNS".into(),
                transport: Transport::Udp,
                port: PortSpec { kind: PortKind::Fixed, range: Some((53, 53)) },
                port_raw: "53".into(),
                transport_raw: "UDP".into(),
                line: 8,
            }]
        );
    }

    #[test]
    fn a_repeated_row_is_loaded_once_and_ledgered() {
        let got = normalize(
            "Dfs\n\nShares.\n\nSystem Service Name Dfs\n\nApplication protocol Protocol Port\nNetBIOS Datagram Service\nUDP\n138\nSMB\nTCP\n445\nNetBIOS Datagram Service\nUDP\n138",
        );
        assert_eq!(got[0].rules.len(), 2);
        let dup = &got[0].anomalies[0];
        assert_eq!((dup.kind, dup.line, dup.normalized.as_deref()), (AnomalyKind::DuplicateRow, 14, None));
        assert!(dup.message.contains("line 8"), "{}", dup.message);
    }

    #[test]
    fn a_repeat_in_a_long_section_is_found_by_the_index() {
        let rows: String = (1..=40).map(|p| format!("\nSMB\nTCP\n{p}")).collect();
        let doc = format!(
            "Big\n\nMany ports.\n\nSystem Service Name Big\n\nApplication protocol Protocol Port{rows}\nSMB\nTCP\n3\nSMB\nTCP\n41"
        );
        let got = normalize(&doc);
        assert_eq!(got[0].rules.len(), 41);
        let dup = &got[0].anomalies[0];
        assert_eq!((dup.kind, dup.line), (AnomalyKind::DuplicateRow, 128));
        assert!(dup.message.contains("line 14"), "{}", dup.message);
    }

    #[test]
    fn gre_with_na_has_no_port() {
        let got = normalize(
            "RRAS\n\nRoutes.\n\nSystem Service Name RemoteAccess\n\nApplication protocol Protocol Port\nGRE (IP protocol 47)\nGRE\nn/a",
        );
        let rule = &got[0].rules[0];
        assert_eq!((rule.transport, rule.port, rule.port_raw.as_str()), (Transport::Gre, PortSpec::NONE, "n/a"));
        assert_eq!(kinds(&got[0]), vec![AnomalyKind::NoPort]);
    }

    #[test]
    fn unreadable_rows_are_problems_and_leave_no_anomalies() {
        let got = normalize(
            "X\n\nDoes.\n\nSystem Service Name X\n\nApplication protocol Protocol Port\nA\nTCP\neighty\nB\nXTP\n1\nC\nTCP",
        );
        let lines: Vec<u32> = got[0].problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [10, 12, 14]);
        assert!(got[0].problems[0].message.starts_with("unreadable port \"eighty\": expected a port number"));
        assert!(got[0].problems[1].message.starts_with("unknown protocol \"XTP\": expected TCP"));
        assert_eq!(
            got[0].problems[2].message,
            "table row cut short: expected 3 cells (application protocol, protocol, port), found 2: \"C\", \"TCP\""
        );
        assert!(got[0].rules.is_empty());
        assert_eq!(kinds(&got[0]), vec![]);
    }

    #[test]
    fn tcp_without_a_port_is_a_problem() {
        let got = normalize("X\n\nDoes.\n\nSystem Service Name X\n\nApplication protocol Protocol Port\nA\nTCP\nn/a");
        assert!(got[0].problems[0].message.contains("TCP needs a port number"));
    }

    #[test]
    fn summary_and_unknown_tables_are_not_loaded() {
        let section = Section {
            title: Located::new(1, "Ports and protocols"),
            heading_level: Some(2),
            description: vec![],
            system_service_lines: vec![],
            captions: vec![],
            tables: vec![Table {
                line: 3,
                header: vec![
                    "Port".into(),
                    "Protocol".into(),
                    "Application protocol".into(),
                    "System service name".into(),
                ],
                rows: vec![],
            }],
            anomalies: vec![],
        };
        let n = normalize_section(&section, &NormalizeOptions::default());
        assert_eq!(n.service, None);
        assert_eq!(kinds(&n), vec![AnomalyKind::SummaryTable]);
    }

    #[test]
    fn cells_beyond_the_header_are_ledgered_not_loaded() {
        let header = vec!["Application protocol".into(), "Protocol".into(), "Port".into()];
        let cells = ["SMB", "TCP", "445", "Windows 2000 and later", ""].map(|c| Located::new(9, c)).to_vec();
        let section = Section {
            title: Located::new(1, "Server"),
            heading_level: Some(3),
            description: vec![],
            system_service_lines: vec![Located::new(3, "System service name: lanmanserver")],
            captions: vec![],
            tables: vec![Table { line: 7, header, rows: vec![TableRow { line: 9, cells }] }],
            anomalies: vec![],
        };
        let n = normalize_section(&section, &NormalizeOptions::default());
        assert_eq!(n.rules.len(), 1);
        let a = &n.anomalies[0];
        assert_eq!((a.line, a.kind, a.raw.as_str()), (9, AnomalyKind::ExtraCell, "Windows 2000 and later / "));
        assert!(a.message.contains("2 cell(s) more"), "{}", a.message);
    }

    #[test]
    fn skipped_rows_keep_line_and_raw() {
        let a =
            Problem { line: 4, raw: "A / TCP / x".into(), message: "port \"x\" is not a number".into() }.into_skipped();
        assert_eq!((a.line, a.kind, a.raw.as_str()), (4, AnomalyKind::SkippedRow, "A / TCP / x"));
    }
}
