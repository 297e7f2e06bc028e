//! Port registries: IANA's service name and port number registry (CSV), a services file
//! (`/etc/services`) and nmap's `nmap-services`, each read into plain [`RegistryRecord`]s that carry
//! their source line. Nothing here touches SQL.

pub mod iana;
pub mod services;

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::error::Problem;
use crate::read::InputFormat;
use std::collections::HashMap;

/// One record of a port registry: a service name registered for a transport and port (or range),
/// or a name registered without a port.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistryRecord {
    /// 1-based line where the record begins.
    pub line: u32,
    /// The registered name, e.g. `ms-wbt-server`; `None` where the registry gives none (IANA's
    /// reserved and unassigned ports).
    pub service_name: Option<String>,
    /// The transport in upper case (`TCP`, `UDP`, `SCTP`, `DCCP`); `None` where none is given.
    pub transport: Option<String>,
    /// The port or range; `None` for a name registered without a port.
    pub ports: Option<(u16, u16)>,
    /// Other names for the service, space-separated (services files).
    pub aliases: Option<String>,
    /// The registry's description or comment.
    pub description: Option<String>,
    /// The registry's reference, e.g. `[RFC864]` (IANA).
    pub reference: Option<String>,
    /// How often the port was found open (nmap).
    pub frequency: Option<f64>,
}

/// What a registry reader found: its records, the lines it could not read, and the records it
/// loads once though the registry repeats them.
#[derive(Debug, Default)]
pub struct RegistryRead {
    /// The records, in order, each once.
    pub records: Vec<RegistryRecord>,
    /// Lines that cannot be read as a record.
    pub problems: Vec<Problem>,
    /// A `duplicate_row` for each record that repeats an earlier one.
    pub repeats: Vec<Anomaly>,
}

/// The transports a registry may name, in upper case.
const TRANSPORTS: [&str; 4] = ["TCP", "UDP", "SCTP", "DCCP"];

/// Reads the registry `text` of the given format (`None` if `format` is not a registry's). Every
/// record is checked (a known transport, not empty), and each is loaded once.
pub fn read_registry(format: InputFormat, text: &str) -> Option<RegistryRead> {
    let mut read = match format {
        InputFormat::IanaCsv => iana::read(text),
        InputFormat::Services => services::read(text, false),
        InputFormat::NmapServices => services::read(text, true),
        InputFormat::Text
        | InputFormat::Html
        | InputFormat::Markdown
        | InputFormat::Rst
        | InputFormat::AsciiDoc
        | InputFormat::Mdx => return None,
    };
    let records = std::mem::take(&mut read.records);
    let mut first_seen: HashMap<String, u32> = HashMap::new();
    for record in records {
        if let Err(message) = check(&record) {
            read.problems.push(Problem { line: record.line, raw: describe(&record), message });
        } else if let Some(&first) = first_seen.get(&key(&record)) {
            let message = format!("The registry repeats the record of line {first}; loaded once.");
            read.repeats.push(Anomaly::new(record.line, AnomalyKind::DuplicateRow, describe(&record), None, message));
        } else {
            first_seen.insert(key(&record), record.line);
            read.records.push(record);
        }
    }
    read.problems.sort_by_key(|p| p.line);
    Some(read)
}

/// Why a record read from a registry is none, if it is not.
fn check(record: &RegistryRecord) -> Result<(), String> {
    match (&record.service_name, &record.transport, record.ports) {
        (None, None, None) => Err("an empty record: no service name, no transport, no port".into()),
        (_, Some(t), _) if !TRANSPORTS.contains(&t.as_str()) => {
            Err(format!("`{}` is not a transport a registry names (tcp, udp, sctp or dccp)", t.to_ascii_lowercase()))
        }
        _ => Ok(()),
    }
}

/// Everything a record says, but its line: two records with the same key say the same.
fn key(r: &RegistryRecord) -> String {
    format!(
        "{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}",
        r.service_name,
        r.transport,
        r.ports,
        r.aliases,
        r.description,
        r.reference,
        r.frequency.map(f64::to_bits)
    )
}

/// A record in a few words, for the ledger and messages: `name port/transport`.
fn describe(r: &RegistryRecord) -> String {
    let ports = match r.ports {
        Some((low, high)) if low == high => low.to_string(),
        Some((low, high)) => format!("{low}-{high}"),
        None => String::new(),
    };
    let transport = r.transport.as_deref().map(str::to_ascii_lowercase).unwrap_or_default();
    format!("{} {ports}/{transport}", r.service_name.as_deref().unwrap_or("")).trim().to_string()
}

/// A port (`80`) or range (`6000-6063`) as a registry writes it.
pub fn port_range(text: &str) -> Option<(u16, u16)> {
    let (low, high) = text.split_once('-').unwrap_or((text, text));
    let (low, high) = (low.trim().parse::<u16>().ok()?, high.trim().parse::<u16>().ok()?);
    (low <= high).then_some((low, high))
}

/// `None` for an empty text; otherwise the text with its runs of white space collapsed (a quoted
/// IANA cell may span lines).
fn non_empty(text: &str) -> Option<String> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_checked_and_repeats_loaded_once() {
        let text = "# services\nhttp 80/tcp\nhttp 80/tcp\nrtmp 1/ddp\nhttp 80/tcp www\nhttp 80/tcp\n";
        let read = read_registry(InputFormat::Services, text).unwrap();
        assert_eq!(read.records.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 5]);
        assert_eq!(read.problems.len(), 1);
        assert_eq!(read.problems[0].line, 4);
        assert!(read.problems[0].message.contains("`ddp` is not a transport"), "{:?}", read.problems);
        let repeats: Vec<(u32, &str)> = read.repeats.iter().map(|a| (a.line, a.message.as_str())).collect();
        assert_eq!(
            repeats,
            [
                (3, "The registry repeats the record of line 2; loaded once."),
                (6, "The registry repeats the record of line 2; loaded once.")
            ]
        );
        assert_eq!(read.repeats[0].raw, "http 80/tcp");
    }

    #[test]
    fn ports_and_ranges() {
        assert_eq!(port_range("80"), Some((80, 80)));
        assert_eq!(port_range("6000-6063"), Some((6000, 6063)));
        assert_eq!(port_range("9-1"), None);
        assert_eq!(port_range("70000"), None);
        assert_eq!(port_range(""), None);
    }
}
