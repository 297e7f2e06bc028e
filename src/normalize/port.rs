//! The port column: a number, a range, a randomly allocated port, no port at all, or several of
//! these in one cell (one per line, `,` or `;`, or alternatives joined by `or`/`and`); every form
//! beyond a single number is ledgered. The forms of one value are in [`super::port_forms`].

use super::ledger::Ledger;
use super::port_forms::read_value;
use super::transport::Transport;
use super::words::Direction;
use crate::anomaly::AnomalyKind;
use regex::Regex;
use std::sync::LazyLock;

/// How a rule's ports are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PortKind {
    /// One port.
    Fixed,
    /// A range of ports.
    Range,
    /// A port allocated at random from a range.
    Dynamic,
    /// The transport has no ports.
    None,
}

impl PortKind {
    /// The name stored in `port_kind`.
    pub fn name(self) -> &'static str {
        match self {
            PortKind::Fixed => "fixed",
            PortKind::Range => "range",
            PortKind::Dynamic => "dynamic",
            PortKind::None => "none",
        }
    }
}

/// The ports of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PortSpec {
    /// How the ports are given.
    pub kind: PortKind,
    /// First port and last port; `None` for [`PortKind::None`].
    pub range: Option<(u16, u16)>,
}

impl PortSpec {
    /// No port.
    pub const NONE: PortSpec = PortSpec { kind: PortKind::None, range: None };

    /// Text for the ledger's `normalized` column, e.g. `1025-5000`.
    pub fn describe(self) -> String {
        match self.range {
            Some((low, high)) if low == high => low.to_string(),
            Some((low, high)) => format!("{low}-{high}"),
            None => "no port".into(),
        }
    }
}

/// One value read from a port cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortValue {
    /// The words of the cell this value was read from.
    pub raw: String,
    /// The ports.
    pub spec: PortSpec,
    /// The transports the words themselves name (`443/TCP`, `TCP 80`); empty where they name none
    /// and the protocol cell says.
    pub transports: Vec<Transport>,
    /// Remarks, qualifiers, labels and footnote marks beside the port, in the page's words.
    pub notes: Vec<String>,
    /// The ICMP message type the words name (`Echo`: 8).
    pub icmp_type: Option<u8>,
    /// The direction an arrow beside the port gives (`443 --->`).
    pub direction: Option<Direction>,
}

impl PortValue {
    /// A value of `raw` with these ports and nothing else said.
    pub fn new(raw: &str, spec: PortSpec) -> PortValue {
        PortValue {
            raw: raw.to_string(),
            spec,
            transports: Vec::new(),
            notes: Vec::new(),
            icmp_type: None,
            direction: None,
        }
    }
}

/// What the words of a port cell are read with.
#[derive(Debug, Clone, Copy)]
pub struct PortContext<'a> {
    /// The row's application protocol (a "randomly allocated" one makes a range dynamic).
    pub application: &'a str,
    /// What a dynamic-range word (`RANDOM`, `DYNAMIC`) means.
    pub dynamic_range: (u16, u16),
}

/// A port cell longer than this is no port cell: it is refused rather than taken apart.
const LONGEST_CELL: usize = 4096;

static IN_SENTENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(TCP|UDP)\s+(?:port\s+)?([0-9]+)\b").expect("valid regex"));

/// A port number, or why it is none.
pub fn port_number(digits: &str) -> Result<u16, String> {
    digits
        .parse::<u32>()
        .ok()
        .filter(|&n| n <= 65535)
        .map(|n| n as u16)
        .ok_or_else(|| format!("port {digits} is out of range: expected a number from 0 to 65535"))
}

/// The cell with HTML a text page may carry literally read as what it stands for: `&nbsp;` as a
/// space, `<br>` as a line break.
fn tidy(cell: &str) -> std::borrow::Cow<'_, str> {
    if !cell.contains('&') && !cell.contains('<') {
        return std::borrow::Cow::Borrowed(cell);
    }
    let mut tidied = cell.replace("&nbsp;", " ").replace("&#160;", " ");
    for br in ["<br>", "<br/>", "<br />", "<BR>"] {
        tidied = tidied.replace(br, "\n");
    }
    std::borrow::Cow::Owned(tidied)
}

/// The parts of a cell holding several values: one per line break, `;` or `,` (outside
/// parentheses: `(note 1, 4)` is one remark).
fn split_values(cell: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in cell.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '\n' | ';' | ',' if depth == 0 => {
                parts.push(&cell[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&cell[start..]);
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect()
}

/// Alternatives within one part: `80 or 8530`, `80 and 443`, `80 & 443`.
fn split_alternatives(part: &str) -> Vec<&str> {
    part.split(" or ").flat_map(|p| p.split(" and ")).flat_map(|p| p.split(" & ")).map(str::trim).collect()
}

/// Reads one part of a cell, splitting it into alternatives if it does not read whole.
fn read_part(part: &str, context: &PortContext, ledger: &mut Ledger) -> Result<Option<Vec<PortValue>>, String> {
    if let Some(values) = read_value(part, context, ledger)? {
        return Ok(Some(values));
    }
    let alternatives = split_alternatives(part);
    if alternatives.len() < 2 {
        return Ok(None);
    }
    let mut values = Vec::new();
    for alternative in alternatives {
        match read_value(alternative, context, ledger)? {
            Some(found) => values.extend(found),
            None => return Ok(None),
        }
    }
    Ok(Some(values))
}

/// Reads a port cell into one or more values, ledgering every form beyond a single number.
pub fn parse_ports(cell: &str, context: &PortContext, ledger: &mut Ledger) -> Result<Vec<PortValue>, String> {
    if cell.len() > LONGEST_CELL {
        return Err(format!("port cell of {} characters: expected a port number, a range or a short list", cell.len()));
    }
    let tidied = tidy(cell);
    let cell = tidied.trim();
    let mut notes = Ledger::new(ledger.line());
    if let Some(values) = read_value(cell, context, &mut notes)? {
        ledger.append(&mut notes);
        return Ok(values);
    }
    if let Some(values) = several_values(cell, context, ledger)? {
        return Ok(values);
    }
    if let Some(values) = ports_in_sentence(cell, ledger)? {
        return Ok(values);
    }
    // Digits of other scripts (fullwidth `８０`, Arabic-Indic `٨٠`) are no port number: say so.
    let digits = if cell.chars().any(|c| c.is_numeric() && !c.is_ascii_digit()) {
        " (port numbers are written in the digits 0-9, not fullwidth or other scripts' digits)"
    } else {
        ""
    };
    Err(format!(
        "unreadable port \"{}\": expected a port number (0-65535), a range such as 1024-65535, RANDOM or n/a{digits}",
        cell.replace('\n', " / ")
    ))
}

/// A cell of several values, each readable: one row each.
fn several_values(cell: &str, context: &PortContext, ledger: &mut Ledger) -> Result<Option<Vec<PortValue>>, String> {
    let mut values: Vec<PortValue> = Vec::new();
    let mut notes = Ledger::new(ledger.line());
    for part in split_values(cell) {
        match read_part(part, context, &mut notes)? {
            Some(found) => values.extend(found),
            None => return Ok(None),
        }
    }
    if values.len() < 2 {
        return Ok(None);
    }
    // `53,1024-65535/TCP/UDP`: a transport written once, after the last value, is every value's.
    // So is an arrow after the last value (`5723, 5724 --->`).
    for i in (0..values.len() - 1).rev() {
        if values[i].transports.is_empty() {
            values[i].transports = values[i + 1].transports.clone();
        }
        values[i].direction = values[i].direction.or(values[i + 1].direction);
    }
    ledger.note(
        AnomalyKind::MultiplePorts,
        cell.replace('\n', " / "),
        Some(values.iter().map(|v| v.spec.describe()).collect::<Vec<_>>().join(", ")),
        format!("The port cell holds {} values; one row each.", values.len()),
    );
    ledger.append(&mut notes);
    Ok(Some(values))
}

/// A sentence that names its ports: "The default HTTP port is TCP 80, and ...".
fn ports_in_sentence(cell: &str, ledger: &mut Ledger) -> Result<Option<Vec<PortValue>>, String> {
    let mut values = Vec::new();
    for caps in IN_SENTENCE.captures_iter(cell) {
        let port = port_number(&caps[2])?;
        let mut value = PortValue::new(&caps[0], PortSpec { kind: PortKind::Fixed, range: Some((port, port)) });
        value.transports.extend(Transport::from_name(&caps[1]));
        values.push(value);
    }
    if values.is_empty() {
        return Ok(None);
    }
    ledger.note(
        AnomalyKind::PortInSentence,
        cell.replace('\n', " / "),
        Some(values.iter().map(|v| v.raw.clone()).collect::<Vec<_>>().join(", ")),
        format!("The port cell is a sentence; the {} port(s) it names were loaded.", values.len()),
    );
    Ok(Some(values))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEGACY: (u16, u16) = (1025, 5000);

    type Read = Result<Vec<(PortKind, Option<(u16, u16)>)>, String>;

    fn parse(cell: &str, application: &str) -> (Read, Vec<AnomalyKind>) {
        let mut ledger = Ledger::new(1);
        let context = PortContext { application, dynamic_range: LEGACY };
        let got = parse_ports(cell, &context, &mut ledger)
            .map(|vs| vs.into_iter().map(|v| (v.spec.kind, v.spec.range)).collect());
        (got, ledger.into_entries().into_iter().map(|a| a.kind).collect())
    }

    #[test]
    fn a_number_is_fixed_and_regular() {
        assert_eq!(parse("2703", "x"), (Ok(vec![(PortKind::Fixed, Some((2703, 2703)))]), vec![]));
        assert_eq!(parse("0", "x").0, Ok(vec![(PortKind::Fixed, Some((0, 0)))]));
        assert_eq!(parse("65535", "x").0, Ok(vec![(PortKind::Fixed, Some((65535, 65535)))]));
    }

    #[test]
    fn random_is_the_dynamic_range() {
        assert_eq!(parse("RANDOM", "x"), (Ok(vec![(PortKind::Dynamic, Some(LEGACY))]), vec![AnomalyKind::DynamicPort]));
    }

    #[test]
    fn no_port_words() {
        for cell in ["n/a", "N/A", "No port number", ""] {
            assert_eq!(parse(cell, "GRE").0, Ok(vec![(PortKind::None, None)]), "{cell}");
        }
    }

    #[test]
    fn ranges_plain_and_in_prose() {
        assert_eq!(parse("1024-65535", "Firewall Client").0, Ok(vec![(PortKind::Range, Some((1024, 65535)))]));
        assert_eq!(
            parse("1024 - 5000", "RPC randomly allocated high TCP ports").0,
            Ok(vec![(PortKind::Dynamic, Some((1024, 5000)))])
        );
        let prose = parse("Random port number between 1024 and 65535", "x");
        assert_eq!(prose, (Ok(vec![(PortKind::Dynamic, Some((1024, 65535)))]), vec![AnomalyKind::DynamicPort]));
        assert_eq!(
            parse("random port number between 49152 - 65535", "x").0,
            Ok(vec![(PortKind::Dynamic, Some((49152, 65535)))])
        );
    }

    #[test]
    fn remarks_are_dropped_and_ledgered() {
        let got = parse("3343 (This port is required during a node join operation.)", "Cluster Service");
        assert_eq!(got, (Ok(vec![(PortKind::Fixed, Some((3343, 3343)))]), vec![AnomalyKind::PortRemark]));
        let got = parse("1025-65535 (note 2)", "Firewall Client Application");
        assert_eq!(
            got,
            (Ok(vec![(PortKind::Range, Some((1025, 65535)))]), vec![AnomalyKind::PortRemark, AnomalyKind::PortRange])
        );
    }

    #[test]
    fn several_values_one_each() {
        let got = parse("445, 139", "SMB");
        assert_eq!(got.0, Ok(vec![(PortKind::Fixed, Some((445, 445))), (PortKind::Fixed, Some((139, 139)))]));
        assert_eq!(got.1, vec![AnomalyKind::MultiplePorts]);
        let got =
            parse("135, random port number between 1024 - 65535\n135, random port number between 49152 - 65535", "RPC");
        assert_eq!(got.0.unwrap().len(), 4);
    }

    #[test]
    fn a_sentence_naming_ports() {
        let mut ledger = Ledger::new(1);
        let context = PortContext { application: "WinRM 2.0", dynamic_range: LEGACY };
        let got = parse_ports(
            "The default HTTP port is TCP 5985, and the default HTTPS port is TCP 5986.",
            &context,
            &mut ledger,
        )
        .unwrap();
        assert_eq!(
            got.iter().map(|v| (v.spec.range, v.transports.clone())).collect::<Vec<_>>(),
            [(Some((5985, 5985)), vec![Transport::Tcp]), (Some((5986, 5986)), vec![Transport::Tcp])]
        );
        assert_eq!(ledger.entries()[0].kind, AnomalyKind::PortInSentence);
    }

    #[test]
    fn unreadable_and_out_of_range_ports_are_errors() {
        assert!(parse("80a", "x").0.unwrap_err().starts_with("unreadable port \"80a\": expected a port number"));
        assert!(
            parse("65536", "x").0.unwrap_err().contains("65536 is out of range: expected a number from 0 to 65535")
        );
        assert!(parse("99999999999999999999", "x").0.unwrap_err().contains("out of range"));
        assert!(parse("5000-1025", "x").0.unwrap_err().contains("backwards"));
    }
}
