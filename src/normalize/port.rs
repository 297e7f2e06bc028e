//! The port column: a number, a range, a randomly allocated port, no port at all, or several of
//! these in one cell; every form beyond a single number is ledgered.

use super::ledger::Ledger;
use super::transport::Transport;
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
    /// The transport the words themselves name (`TCP 80` in a sentence), if any.
    pub transport: Option<Transport>,
}

static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:a\s+)?random(?:ly allocated)?\s+(?:high\s+)?port(?:\s+number)?s?\s+(?:between|from|in)\s+)?(\d+)\s*(?:-|–|—|to|through|and)\s*(\d+)$")
        .expect("valid regex")
});
static REMARK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(.*?)\s*\(([^()]*)\)$").expect("valid regex"));
static IN_SENTENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(TCP|UDP)\s+(?:port\s+)?(\d+)\b").expect("valid regex"));

/// Words that mean "no port here".
fn means_no_port(text: &str) -> bool {
    matches!(
        text.to_ascii_lowercase().as_str(),
        "" | "n/a" | "na" | "none" | "no port" | "no port number" | "-" | "—" | "–"
    )
}

fn port_number(digits: &str) -> Result<u16, String> {
    digits
        .parse::<u32>()
        .ok()
        .filter(|&n| n <= 65535)
        .map(|n| n as u16)
        .ok_or_else(|| format!("port {digits} is out of range: expected a number from 0 to 65535"))
}

/// Reads one value (no commas or line breaks in it) of a port cell.
fn read_value(
    text: &str,
    application: &str,
    dynamic_range: (u16, u16),
    ledger: &mut Ledger,
) -> Result<Option<PortValue>, String> {
    let value = |spec| Ok(Some(PortValue { raw: text.to_string(), spec, transport: None }));
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let port = port_number(text)?;
        return value(PortSpec { kind: PortKind::Fixed, range: Some((port, port)) });
    }
    if text.eq_ignore_ascii_case("random") {
        let (low, high) = dynamic_range;
        ledger.note(
            AnomalyKind::DynamicPort,
            text,
            Some(format!("{low}-{high}")),
            format!(
                "\"{text}\" means a port allocated at random from the dynamic range; loaded as dynamic {low}-{high}."
            ),
        );
        return value(PortSpec { kind: PortKind::Dynamic, range: Some(dynamic_range) });
    }
    if means_no_port(text) {
        return value(PortSpec::NONE);
    }
    if let Some(caps) = RANGE.captures(text) {
        let (low, high) = (port_number(&caps[1])?, port_number(&caps[2])?);
        if low > high {
            return Err(format!("port range {low}-{high} runs backwards: expected the lower port first"));
        }
        let random =
            text.to_ascii_lowercase().contains("random") || application.to_ascii_lowercase().contains("random");
        let (kind, anomaly_kind, what) = if random {
            (PortKind::Dynamic, AnomalyKind::DynamicPort, "a port allocated at random from a range; loaded as dynamic")
        } else {
            (PortKind::Range, AnomalyKind::PortRange, "a range of ports; loaded as range")
        };
        ledger.note(anomaly_kind, text, Some(format!("{low}-{high}")), format!("\"{text}\" is {what} {low}-{high}."));
        return value(PortSpec { kind, range: Some((low, high)) });
    }
    if let Some(caps) = REMARK.captures(text) {
        let (port, remark) = (caps[1].to_string(), caps[2].to_string());
        if !port.is_empty() {
            let mut inner = Ledger::new(ledger.line());
            if let Ok(Some(found)) = read_value(&port, application, dynamic_range, &mut inner) {
                ledger.note(
                    AnomalyKind::PortRemark,
                    text,
                    Some(port.clone()),
                    format!("The remark \"({remark})\" after the port was dropped from the port."),
                );
                ledger.append(&mut inner);
                return Ok(Some(PortValue { raw: text.to_string(), ..found }));
            }
        }
    }
    Ok(None)
}

/// Reads a port cell into one or more values. `application` is the row's application protocol
/// (a "randomly allocated" one makes a range dynamic); `dynamic_range` is what `RANDOM` means.
pub fn parse_ports(
    cell: &str,
    application: &str,
    dynamic_range: (u16, u16),
    ledger: &mut Ledger,
) -> Result<Vec<PortValue>, String> {
    let cell = cell.trim();
    let mut notes = Ledger::new(ledger.line());
    if let Some(v) = read_value(cell, application, dynamic_range, &mut notes)? {
        ledger.append(&mut notes);
        return Ok(vec![v]);
    }
    // Several values: one per line break, then one per comma.
    let parts: Vec<&str> =
        cell.split('\n').flat_map(|p| p.split(',')).map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.len() > 1 {
        let mut values = Vec::new();
        let mut notes = Ledger::new(ledger.line());
        let mut all_read = true;
        for part in &parts {
            match read_value(part, application, dynamic_range, &mut notes)? {
                Some(v) => values.push(v),
                None => all_read = false,
            }
        }
        if all_read {
            ledger.note(
                AnomalyKind::MultiplePorts,
                cell.replace('\n', " / "),
                Some(values.iter().map(|v| v.spec.describe()).collect::<Vec<_>>().join(", ")),
                format!("The port cell holds {} values; one row each.", values.len()),
            );
            ledger.append(&mut notes);
            return Ok(values);
        }
    }
    // A sentence that names its ports: "The default HTTP port is TCP 80, and ...".
    let mut values = Vec::new();
    for caps in IN_SENTENCE.captures_iter(cell) {
        let port = port_number(&caps[2])?;
        values.push(PortValue {
            raw: caps[0].to_string(),
            spec: PortSpec { kind: PortKind::Fixed, range: Some((port, port)) },
            transport: Transport::from_name(&caps[1]),
        });
    }
    if !values.is_empty() {
        ledger.note(
            AnomalyKind::PortInSentence,
            cell.replace('\n', " / "),
            Some(values.iter().map(|v| v.raw.clone()).collect::<Vec<_>>().join(", ")),
            format!("The port cell is a sentence; the {} port(s) it names were loaded.", values.len()),
        );
        return Ok(values);
    }
    Err(format!(
        "unreadable port \"{}\": expected a port number (0-65535), a range such as 1024-65535, RANDOM or n/a",
        cell.replace('\n', " / ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEGACY: (u16, u16) = (1025, 5000);

    type Read = Result<Vec<(PortKind, Option<(u16, u16)>)>, String>;

    fn parse(cell: &str, application: &str) -> (Read, Vec<AnomalyKind>) {
        let mut ledger = Ledger::new(1);
        let got = parse_ports(cell, application, LEGACY, &mut ledger)
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
        let got = parse_ports(
            "The default HTTP port is TCP 5985, and the default HTTPS port is TCP 5986.",
            "WinRM 2.0",
            LEGACY,
            &mut ledger,
        )
        .unwrap();
        assert_eq!(
            got.iter().map(|v| (v.spec.range, v.transport)).collect::<Vec<_>>(),
            [(Some((5985, 5985)), Some(Transport::Tcp)), (Some((5986, 5986)), Some(Transport::Tcp))]
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
