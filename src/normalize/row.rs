//! One table row to its rules, in three steps: reading the cells, building rules per value, and
//! removing repeats. A row that cannot be read becomes a problem and leaves no anomalies: the
//! problem says it all.

use super::ledger::Ledger;
use super::port::{self, PortKind, PortValue};
use super::text::{self, clean};
use super::transport::{self, Transport};
use super::{NormalizeOptions, NormalizedSection, PortRule};
use crate::anomaly::AnomalyKind;
use crate::error::Problem;
use crate::parse::table::Columns;
use crate::parse::{Located, TableRow};
use std::collections::HashMap;

/// What every row of one port table is read with.
pub(super) struct TableContext<'a> {
    /// Where the table's columns are.
    pub columns: Columns,
    /// How many cells the header has.
    pub header_cells: usize,
    /// The ingest's options.
    pub options: &'a NormalizeOptions,
}

/// A row that cannot be read: the line of the cell at fault and what was expected.
type Unreadable = (u32, String);

/// The cells of a row, cleaned (and ledgered where cleaning changed them).
struct RowText {
    line: u32,
    application: String,
    transport_raw: String,
    transport_line: u32,
    /// `None` where the row has no port cell.
    port_cell: Option<String>,
    port_line: u32,
    /// Where the row has no port cell: its words, and the problem if it turns out to need one.
    cut_short: Option<(String, Unreadable)>,
}

/// The words a row's problems quote: its cells, joined.
fn row_raw(row: &TableRow) -> String {
    let cells: Vec<&str> = row.cells.iter().map(|c| c.text.trim()).collect();
    if cells.iter().all(|c| c.is_empty()) {
        return format!("|{}|", cells.join("|"));
    }
    cells.join(" / ").replace('\n', " ")
}

/// Normalizes one table row into zero or more rules, ledgering as it goes.
pub(super) fn normalize_row(row: &TableRow, table: &TableContext, seen: &mut SeenRules, out: &mut NormalizedSection) {
    let mut ledger = Ledger::new(row.line);
    if row.cells.iter().all(|c| c.text.trim().is_empty()) {
        ledger.note(AnomalyKind::EmptyRow, row_raw(row), None, "A table row with every cell empty; nothing to load.");
        out.anomalies.extend(ledger.into_entries());
        return;
    }
    let rules = read_cells(row, table, &mut ledger).and_then(|cells| build_rules(&cells, table.options, &mut ledger));
    match rules {
        Ok(rules) => {
            out.anomalies.extend(ledger.into_entries());
            add_unrepeated(rules, seen, out);
        }
        Err((line, message)) => out.problems.push(Problem { line, raw: row_raw(row), message }),
    }
}

/// The problem of a row with fewer cells than its table has columns.
fn cut_short(row: &TableRow, width: usize) -> Unreadable {
    let found: Vec<String> = row.cells.iter().map(|c| format!("\"{}\"", c.text.trim())).collect();
    let message = format!(
        "table row cut short: expected {width} cells (application protocol, protocol, port), found {}{}",
        row.cells.len(),
        if found.is_empty() { String::new() } else { format!(": {}", found.join(", ")) }
    );
    (row.line, message)
}

/// One cell cleaned: markup the reader removed is ledgered before what `clean` removes (footnote
/// marks), in the order the two were removed.
fn read_cell(located: &Located, what: &str, ledger: &mut Ledger) -> String {
    let mut marks = Ledger::new(ledger.line());
    let cleaned = clean(&located.text, what, &mut marks);
    text::ledger_markup(located, &cleaned, what, ledger);
    ledger.append(&mut marks);
    cleaned
}

/// Step one: the row's cells, each cleaned, and cells beyond the header ledgered.
fn read_cells(row: &TableRow, table: &TableContext, ledger: &mut Ledger) -> Result<RowText, Unreadable> {
    let columns = table.columns;
    let width = columns.application.max(columns.protocol).max(columns.port) + 1;
    let cell = |i: usize| row.cells.get(i);
    let (Some(application_cell), Some(protocol_cell)) = (cell(columns.application), cell(columns.protocol)) else {
        return Err(cut_short(row, width));
    };
    let application = text::one_line(read_cell(application_cell, "application protocol", ledger));
    if application.is_empty() {
        return Err((row.line, "empty application protocol cell: expected the name of an application protocol".into()));
    }
    let transport_raw = text::one_line(read_cell(protocol_cell, "protocol cell", ledger));
    let (port_cell, port_line, short) = match cell(columns.port) {
        Some(located) => (Some(read_cell(located, "port cell", ledger)), located.line, None),
        None => (None, row.line, Some((row_raw(row), cut_short(row, width)))),
    };
    let extra: Vec<&str> = row.cells.iter().skip(table.header_cells).map(|c| c.text.trim()).collect();
    if extra.iter().any(|c| !c.is_empty()) {
        ledger.note(
            AnomalyKind::ExtraCell,
            extra.join(" / ").replace('\n', " "),
            None,
            format!("The row has {} cell(s) more than its header; they were not loaded.", extra.len()),
        );
    }
    Ok(RowText {
        line: row.line,
        application,
        transport_raw,
        transport_line: protocol_cell.line,
        port_cell,
        port_line,
        cut_short: short,
    })
}

/// Step two: one rule per transport of each value of the port cell.
fn build_rules(cells: &RowText, options: &NormalizeOptions, ledger: &mut Ledger) -> Result<Vec<PortRule>, Unreadable> {
    let transports = transport::parse_transport(&cells.transport_raw, &cells.application, ledger)
        .map_err(|message| (cells.transport_line, message))?;
    let port_cell = match (&cells.port_cell, &cells.cut_short) {
        (Some(cell), _) => cell.as_str(),
        // Only a transport without ports may go without a port cell.
        (None, Some((raw, _))) if !transports.is_empty() && transports.iter().all(|t| !t.has_ports()) => {
            ledger.note(AnomalyKind::MissingCell, raw, None, "The row has no port cell; read as an empty port cell.");
            ""
        }
        (None, short) => {
            return Err(short.as_ref().map_or((cells.line, "table row cut short".into()), |s| s.1.clone()));
        }
    };
    let values = port::parse_ports(port_cell, &cells.application, options.dynamic_range, ledger)
        .map_err(|message| (cells.port_line, message))?;
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
            return Err((cells.line, "empty protocol cell: expected TCP, UDP, GRE, ESP, AH or ICMP".into()));
        }
        for &t in for_value {
            check_ports(t, value, cells, ledger)?;
            rules.push(PortRule {
                application_protocol: cells.application.clone(),
                transport: t,
                port: value.spec,
                port_raw: value.raw.clone(),
                transport_raw: cells.transport_raw.clone(),
                line: cells.line,
            });
        }
    }
    Ok(rules)
}

/// Whether the value's ports suit the transport: TCP and UDP need a port, the others have none.
fn check_ports(t: Transport, value: &PortValue, cells: &RowText, ledger: &mut Ledger) -> Result<(), Unreadable> {
    match (t.has_ports(), value.spec.kind) {
        (true, PortKind::None) => {
            let found = if value.raw.is_empty() { "nothing".to_string() } else { format!("\"{}\"", value.raw) };
            Err((cells.port_line, format!("{} needs a port number, found {found}", t.name())))
        }
        (false, kind) if kind != PortKind::None => Err((
            cells.line,
            format!(
                "{} has no ports, but the port cell says \"{}\": expected n/a or an empty cell",
                t.name(),
                value.raw
            ),
        )),
        (false, _) => {
            ledger.note(
                AnomalyKind::NoPort,
                value.raw.clone(),
                Some(format!("no port (IP protocol {})", t.ip_protocol())),
                format!("{} (IP protocol {}) has no ports; loaded with no port.", t.name(), t.ip_protocol()),
            );
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Step three: each rule once per section; a repeat is ledgered at its line.
fn add_unrepeated(rules: Vec<PortRule>, seen: &mut SeenRules, out: &mut NormalizedSection) {
    for rule in rules {
        if let Some(first) = seen.first_line(&out.rules, &rule) {
            let mut ledger = Ledger::new(rule.line);
            ledger.note(
                AnomalyKind::DuplicateRow,
                format!("{} / {} / {}", rule.application_protocol, rule.transport_raw, rule.port_raw),
                None,
                format!("This row repeats the row at line {first} of the same section; loaded once."),
            );
            out.anomalies.extend(ledger.into_entries());
        } else {
            seen.record(&rule, out.rules.len());
            out.rules.push(rule);
        }
    }
}

/// The rules of a section loaded so far, to tell a repeated row. Sections are small, so a scan of
/// the section's rules does until one grows large; then an index takes over.
#[derive(Default)]
pub(super) struct SeenRules {
    index: Option<HashMap<(String, Transport, port::PortSpec), usize>>,
}

impl SeenRules {
    const SCAN_LIMIT: usize = 32;

    fn key(rule: &PortRule) -> (String, Transport, port::PortSpec) {
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
