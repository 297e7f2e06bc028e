//! Steps two and three of a row: one rule per transport of each value of its port cells, and each
//! rule once per section.

use super::dynamic_range;
use super::elsewhere;
use super::ledger::Ledger;
use super::port::{self, PortContext, PortKind, PortSpec, PortValue};
use super::row::{ClientPorts, PortCell, RowText, Unreadable};
use super::text;
use super::transport::{self, Transport};
use super::words::{means_any_port, means_no_port};
use super::{NormalizeOptions, NormalizedSection, PortRule, RuleContext};
use crate::anomaly::AnomalyKind;
use std::collections::HashMap;

/// Step two: one rule per transport of each value of the row's port cells.
pub(super) fn build_rules(
    row: &RowText,
    options: &NormalizeOptions,
    ledger: &mut Ledger,
) -> Result<Vec<PortRule>, Unreadable> {
    let (protocol_cell, protocol_line) = row.protocol.clone().unwrap_or((String::new(), row.line));
    let protocol = transport::parse_transport(&protocol_cell, &row.application, ledger)
        .map_err(|message| (protocol_line, message))?;
    let transport_raw = text::one_line(protocol_cell);
    let context = PortContext { application: &row.application, dynamic_range: options.dynamic_range };
    let missing;
    let ports: &[PortCell] = match (&row.ports[..], &row.cut_short) {
        ([], Some((raw, short))) => {
            // Only a transport without ports may go without a port cell.
            if protocol.transports.is_empty() || protocol.transports.iter().any(|t| t.has_ports()) {
                return Err(short.clone());
            }
            ledger.note(AnomalyKind::MissingCell, raw, None, "The row has no port cell; read as an empty port cell.");
            missing =
                [PortCell { text: String::new(), line: row.line, transports: Vec::new(), column: None, marked: false }];
            &missing
        }
        (ports, _) => ports,
    };
    let (mut rules, mut unspecified) = (Vec::new(), Vec::new());
    // Where no cell names a transport, the application protocol may imply one (`HTTPS`: TCP).
    let mut from_application = None;
    for cell in ports {
        let values = with_stated_ranges(values_of(cell, row, &context, ledger)?, cell, row, ledger);
        let alternatives = super::wide::dynamic_alternatives(&values);
        for value in &values {
            let mut transports = transports_of(value, cell, &protocol.transports);
            // The name beside the port may imply one (`443: HTTPS`), else the row's application.
            let labelled = value.notes.first().filter(|_| transports == [None]).map(|name| {
                let mut inner = Ledger::new(ledger.line());
                let found = implied_by_application(name, &mut inner);
                ledger.append(&mut inner);
                found
            });
            if let Some(found) = labelled.filter(|found| !found.is_empty()) {
                transports = found.into_iter().map(Some).collect();
            }
            if transports == [None] && value.protocol.is_none() {
                let implied = from_application.get_or_insert_with(|| implied_by_application(&row.application, ledger));
                if implied.is_empty() {
                    unspecified.push(value.raw.clone());
                } else {
                    transports = implied.iter().copied().map(Some).collect();
                }
            }
            for t in transports {
                check_ports(t, value, cell, row.line, ledger)?;
                if let Some(t) = t {
                    // (The legacy range is among the documented ones: without --dynamic-range it adds nothing.)
                    let dynamic_range = options.dynamic_range.unwrap_or(super::LEGACY_DYNAMIC_RANGE);
                    super::wide::note_if_wide(t, value, alternatives, dynamic_range, ledger);
                }
                let mut rule = rule(row, t, value, &transport_raw, &protocol.notes);
                if let Some(column) = &cell.column {
                    let said = format!("from the {column} column");
                    rule.note = Some(rule.note.map_or(said.clone(), |n| format!("{said}; {n}")));
                }
                rules.push(rule);
            }
        }
    }
    if !row.client_ports.is_empty() {
        rules = rules.into_iter().flat_map(|rule| with_client_ports(rule, row)).collect();
    }
    if !unspecified.is_empty() {
        let raw = unspecified.join(" / ");
        let message = format!("The row gives the port(s) \"{raw}\" but no transport; loaded with a NULL transport.");
        ledger.note(AnomalyKind::TransportUnspecified, raw, None, message);
    }
    Ok(rules)
}

/// The values of one port cell; none for a transport column that says the transport is not used.
fn values_of(
    cell: &PortCell,
    row: &RowText,
    context: &PortContext,
    ledger: &mut Ledger,
) -> Result<Vec<PortValue>, Unreadable> {
    if !cell.transports.is_empty() && means_no_port(&cell.text) {
        if !cell.text.trim().is_empty() {
            let names: Vec<&str> = cell.transports.iter().map(|t| t.name()).collect();
            let (name, said) = (names.join("/"), &cell.text);
            let message = format!("The {name} column says \"{said}\": {name} is not used; no rule for it.");
            ledger.note(AnomalyKind::PortNotUsed, said.clone(), None, message);
        }
        return Ok(Vec::new());
    }
    let values = port::parse_ports(&cell.text, context, ledger).map_err(|message| (cell.line, message))?;
    if let [only] = &values[..]
        && only.spec.kind == PortKind::None
        && elsewhere::refers_elsewhere(&only.raw)
        && let Some(found) = elsewhere::ports_in_notes(&only.raw, &row.context.notes)
    {
        let ports: Vec<String> = found.iter().map(|v| v.spec.describe()).collect();
        let message =
            format!("The port cell refers to the row's remarks; the {} port(s) named there were loaded.", ports.len());
        ledger.note(AnomalyKind::PortsInNote, only.raw.clone(), Some(ports.join(", ")), message);
        return Ok(found);
    }
    Ok(values)
}

/// The values of a cell with the range of each dynamic word that awaits one: the range its row's
/// notes state (`†: dynamic ports use 49152-65535`), if they state one; none where the cell points
/// to a footnote (its note is what the document says about it); else the document's, later.
fn with_stated_ranges(
    mut values: Vec<PortValue>,
    cell: &PortCell,
    row: &RowText,
    ledger: &mut Ledger,
) -> Vec<PortValue> {
    for value in values.iter_mut().filter(|v| v.awaits_range && v.spec.range.is_none()) {
        let stated =
            row.context.notes.iter().find_map(|note| dynamic_range::stated_dynamic_ranges(note).first().copied());
        if let Some((low, high)) = stated {
            value.spec.range = Some((low, high));
            value.awaits_range = false;
            let message =
                format!("\"{}\": the row's note states the dynamic range {low}-{high}; loaded with it.", value.raw);
            ledger.note(AnomalyKind::DynamicPort, value.raw.clone(), Some(format!("{low}-{high}")), message);
        } else if cell.marked || !value.notes.is_empty() {
            value.awaits_range = false;
        }
    }
    values
}

/// The transports the application protocol's words imply, ledgered where they do: the transports
/// they name (`TCP - Client and device retrieval ...`, `The DNS server (TCP and UDP)`), else the one
/// an application protocol among them runs over (`WS-Management (HTTP)`: TCP). None where they
/// name none, or application protocols of different transports.
fn implied_by_application(application: &str, ledger: &mut Ledger) -> Vec<Transport> {
    let words: Vec<&str> = application.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).collect();
    let mut named: Vec<Transport> = Vec::new();
    for t in words.iter().filter_map(|w| Transport::from_name(w).filter(|t| t.has_ports() && *w == t.name())) {
        if !named.contains(&t) {
            named.push(t);
        }
    }
    if named.is_empty() {
        let mut implied = words.iter().filter_map(|w| super::words::application_transport(w).flatten());
        let Some(first) = implied.next() else { return Vec::new() };
        if implied.any(|t| t != first) {
            return Vec::new();
        }
        named.push(first);
    }
    let names: Vec<&str> = named.iter().map(|t| t.name()).collect();
    let message = format!(
        "No cell names a transport; {} was taken from the application protocol \"{application}\".",
        names.join(" and ")
    );
    ledger.note(AnomalyKind::TransportFromApplication, application, Some(names.join(", ")), message);
    named
}

/// A value's transports: those its words name, else its column's, else the protocol cell's, else
/// none (`[None]`: the page does not say).
fn transports_of(value: &PortValue, cell: &PortCell, protocol: &[Transport]) -> Vec<Option<Transport>> {
    if !value.transports.is_empty() {
        value.transports.iter().copied().map(Some).collect()
    } else if !cell.transports.is_empty() {
        cell.transports.iter().copied().map(Some).collect()
    } else if !protocol.is_empty() {
        protocol.iter().copied().map(Some).collect()
    } else {
        vec![None]
    }
}

/// A rule once per client port range of its transport (`1024-65535/TCP` for a TCP rule; a range
/// naming no transport is every transport's).
fn with_client_ports(rule: PortRule, row: &RowText) -> Vec<PortRule> {
    let fits = |c: &&ClientPorts| c.transports.is_empty() || rule.transport.is_some_and(|t| c.transports.contains(&t));
    let ranges: Vec<(u16, u16)> = row.client_ports.iter().filter(fits).map(|c| c.range).collect();
    let ranges = if ranges.is_empty() { row.client_ports.iter().map(|c| c.range).collect() } else { ranges };
    ranges
        .into_iter()
        .map(|range| {
            let mut rule = rule.clone();
            rule.context.source_ports = Some(range);
            rule
        })
        .collect()
}

/// The rule of one transport of one value.
fn rule(
    row: &RowText,
    t: Option<Transport>,
    value: &PortValue,
    transport_raw: &str,
    protocol_notes: &[String],
) -> PortRule {
    // A cell naming only a protocol (`WMI`) names the rule's application protocol; the row's
    // own words for it go to the note.
    let replaced = value.protocol.as_ref().map(|_| &row.application);
    let notes: Vec<&str> = replaced
        .into_iter()
        .chain(&value.notes)
        .chain(protocol_notes)
        .chain(&row.context.notes)
        .map(String::as_str)
        .collect();
    PortRule {
        application_protocol: value.protocol.clone().unwrap_or_else(|| row.application.clone()),
        transport: t,
        port: value.spec,
        port_raw: value.raw.clone(),
        transport_raw: transport_raw.to_string(),
        line: row.line,
        icmp_type: value.icmp_type.filter(|_| t == Some(Transport::Icmp)),
        note: (!notes.is_empty()).then(|| text::collapse_whitespace(&notes.join("; "))),
        context: RuleContext { direction: value.direction.or(row.context.direction), ..row.context.clone() },
        awaits_document_range: value.awaits_range && value.spec.range.is_none(),
    }
}

/// Whether the value's ports suit the transport: TCP and UDP need a port (or words that say none
/// is given), the others have none.
fn check_ports(
    t: Option<Transport>,
    value: &PortValue,
    cell: &PortCell,
    line: u32,
    ledger: &mut Ledger,
) -> Result<(), Unreadable> {
    let Some(t) = t else {
        // An empty port cell in a row that names no transport either: nothing to load.
        if value.spec == PortSpec::NONE && value.raw.trim().is_empty() && value.protocol.is_none() {
            return Err((cell.line, "the port cell is empty and the row names no transport: expected a port".into()));
        }
        return Ok(());
    };
    match (t.has_ports(), value.spec.kind) {
        (true, PortKind::None) if value.raw.trim().is_empty() => {
            Err((cell.line, format!("{} needs a port number, found nothing", t.name())))
        }
        (true, PortKind::None) => {
            let what = if means_any_port(&value.raw) { "any port" } else { "no port" };
            ledger.note(
                AnomalyKind::PortNotGiven,
                value.raw.clone(),
                Some(PortSpec::NONE.describe()),
                format!("{} with \"{}\" ({what}) in the port cell; loaded with no port.", t.name(), value.raw),
            );
            Ok(())
        }
        (false, kind) if kind != PortKind::None => Err((
            line,
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
pub(super) fn add_unrepeated(rules: Vec<PortRule>, seen: &mut SeenRules, out: &mut NormalizedSection) {
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

/// What makes two rules the same: application protocol, transport, ports, client ports, ends, and
/// every other cell of the row (rows that differ in any cell, say an address or a remark, are not
/// repeats).
type RuleKey =
    (String, Option<Transport>, PortSpec, Option<(u16, u16)>, Option<String>, Option<String>, Option<String>);

/// The rules of a section loaded so far, to tell a repeated row. Sections are small, so a scan of
/// the section's rules does until one grows large; then an index takes over.
#[derive(Default)]
pub(super) struct SeenRules {
    index: Option<HashMap<RuleKey, usize>>,
}

impl SeenRules {
    const SCAN_LIMIT: usize = 32;

    fn key(rule: &PortRule) -> RuleKey {
        let c = &rule.context;
        (
            rule.application_protocol.clone(),
            rule.transport,
            rule.port,
            c.source_ports,
            c.from_endpoint.clone(),
            c.to_endpoint.clone(),
            c.row_cells.clone(),
        )
    }

    fn same(a: &PortRule, b: &PortRule) -> bool {
        a.transport == b.transport
            && a.port == b.port
            && a.application_protocol == b.application_protocol
            && a.context.source_ports == b.context.source_ports
            && a.context.from_endpoint == b.context.from_endpoint
            && a.context.to_endpoint == b.context.to_endpoint
            && a.context.row_cells == b.context.row_cells
    }

    /// The line of the earlier rule that `rule` repeats, if any.
    fn first_line(&mut self, rules: &[PortRule], rule: &PortRule) -> Option<u32> {
        if rules.len() >= Self::SCAN_LIMIT && self.index.is_none() {
            self.index = Some(rules.iter().enumerate().map(|(i, r)| (Self::key(r), i)).collect());
        }
        match &self.index {
            Some(index) => index.get(&Self::key(rule)).map(|&i| rules[i].line),
            None => rules.iter().find(|r| Self::same(r, rule)).map(|r| r.line),
        }
    }

    /// Notes that `rule` is loaded as the section's rule number `position`.
    fn record(&mut self, rule: &PortRule, position: usize) {
        if let Some(index) = &mut self.index {
            index.insert(Self::key(rule), position);
        }
    }
}
