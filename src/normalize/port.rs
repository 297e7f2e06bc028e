//! The port column: a number, a range, a randomly allocated port, no port at all, or several of
//! these in one cell (one per line, `,` or `;`, or alternatives joined by `or`/`and`); every form
//! beyond a single number is ledgered. The forms of one value are in [`super::port_forms`].

use super::ledger::Ledger;
use super::port_forms::{read_across_lines, read_value};
use super::port_lists::{parts, several_values};
use super::transport::Transport;
use super::words::Direction;

/// How a rule's ports are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PortKind {
    /// One port.
    Fixed,
    /// A range of ports.
    Range,
    /// A port allocated at random from a range (the range is `None` where the document states
    /// none).
    Dynamic,
    /// The transport has no ports, or the cell gives none (`n/a`, `--`).
    None,
    /// Any port (`Any`, `All`): the page names no port, on purpose; no ports loaded.
    Any,
    /// A port the administrator chooses ("configured by the administrator", `Configurable port`);
    /// no ports loaded, the words kept in the note.
    Configurable,
}

impl PortKind {
    /// The name stored in `port_kind`.
    pub fn name(self) -> &'static str {
        match self {
            PortKind::Fixed => "fixed",
            PortKind::Range => "range",
            PortKind::Dynamic => "dynamic",
            PortKind::None => "none",
            PortKind::Any => "any",
            PortKind::Configurable => "configurable",
        }
    }
}

/// The ports of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PortSpec {
    /// How the ports are given.
    pub kind: PortKind,
    /// First port and last port; `None` for [`PortKind::None`], [`PortKind::Any`],
    /// [`PortKind::Configurable`], and a [`PortKind::Dynamic`] port whose range is not stated.
    pub range: Option<(u16, u16)>,
}

impl PortSpec {
    /// No port.
    pub const NONE: PortSpec = PortSpec { kind: PortKind::None, range: None };

    /// Ports of `kind` with no numbers (any, configurable, a dynamic port of no stated range).
    pub const fn unnumbered(kind: PortKind) -> PortSpec {
        PortSpec { kind, range: None }
    }

    /// Text for the ledger's `normalized` column, e.g. `1025-5000`.
    pub fn describe(self) -> String {
        match (self.range, self.kind) {
            (Some((low, high)), _) if low == high => low.to_string(),
            (Some((low, high)), _) => format!("{low}-{high}"),
            (None, PortKind::Dynamic) => "dynamic, no range stated".into(),
            (None, PortKind::Any) => "any port".into(),
            (None, PortKind::Configurable) => "configurable".into(),
            (None, _) => "no port".into(),
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
    /// The application protocol a cell names in place of a port (`WMI`).
    pub protocol: Option<String>,
    /// A dynamic word whose range the cell does not state (`RANDOM`): its row's notes or the
    /// document may (see [`super::dynamic_range`]).
    pub awaits_range: bool,
    /// Words for a dynamic port that give no numbers (`RANDOM`, `RPC/DCOM High ports`), whatever
    /// range they were given.
    pub dynamic_words: bool,
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
            protocol: None,
            awaits_range: false,
            dynamic_words: false,
        }
    }
}

/// What the words of a port cell are read with.
#[derive(Debug, Clone, Copy)]
pub struct PortContext<'a> {
    /// The row's application protocol (a "randomly allocated" one makes a range dynamic).
    pub application: &'a str,
    /// What a dynamic-range word (`RANDOM`, `DYNAMIC`) means, where the user said
    /// (`--dynamic-range`); `None`: the range the row or the document states, if any.
    pub dynamic_range: Option<(u16, u16)>,
}

/// A port cell longer than this is no port cell: it is refused rather than taken apart.
const LONGEST_CELL: usize = 4096;

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
    let mut tidied = cell.replace("&nbsp;", " ").replace("&#160;", " ").replace("&amp;", "&");
    for br in ["<br>", "<br/>", "<br />", "<BR>"] {
        tidied = tidied.replace(br, "\n");
    }
    std::borrow::Cow::Owned(tidied)
}

/// Reads a port cell into one or more values, ledgering every form beyond a single number: the
/// whole cell as one value (its lines joined: `Minimum of 100 ports<br>above port 5000`), else
/// a list of values, else its lines or sentences one by one (see [`super::port_lists`]).
pub fn parse_ports(cell: &str, context: &PortContext, ledger: &mut Ledger) -> Result<Vec<PortValue>, String> {
    if cell.len() > LONGEST_CELL {
        return Err(format!("port cell of {} characters: expected a port number, a range or a short list", cell.len()));
    }
    let tidied = tidy(cell);
    let cell = tidied.trim();
    let mut notes = Ledger::new(ledger.line());
    let mut values = match read_value(cell, context, &mut notes)? {
        Some(values) => Some(values),
        None if cell.contains('\n') => read_across_lines(cell, context, &mut notes)?,
        None => None,
    };
    if values.is_none() {
        values = several_values(cell, context, &mut notes)?;
    }
    if values.is_none() {
        notes = Ledger::new(ledger.line());
        values = parts(cell, context, &mut notes)?;
    }
    let Some(values) = values else {
        return Err(format!(
            "unreadable port \"{}\": expected a port number (0-65535), a range such as 1024-65535, RANDOM or n/a",
            cell.replace('\n', " / ")
        ));
    };
    ledger.append(&mut notes);
    Ok(dynamic_words_as_labels(values))
}

/// A dynamic word that states no range, in a cell that states a range (`*RPC/DCOM High ports<br>Ports
/// 49152-65535 TCP`), labels that range: the range is the dynamic one, the word its note.
fn dynamic_words_as_labels(values: Vec<PortValue>) -> Vec<PortValue> {
    let unstated = |v: &PortValue| v.dynamic_words;
    let ranged = |v: &PortValue| !unstated(v) && v.spec.range.is_some_and(|(low, high)| low < high);
    if !values.iter().any(unstated) || !values.iter().any(ranged) {
        return values;
    }
    let words: Vec<String> = values.iter().filter(|v| unstated(v)).map(|v| v.raw.clone()).collect();
    values
        .into_iter()
        .filter(|v| !unstated(v))
        .map(|mut v| {
            if ranged(&v) {
                v.spec.kind = PortKind::Dynamic;
                v.notes.extend(words.iter().cloned());
            }
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anomaly::AnomalyKind;

    const LEGACY: (u16, u16) = (1025, 5000);

    type Read = Result<Vec<(PortKind, Option<(u16, u16)>)>, String>;

    fn parse(cell: &str, application: &str) -> (Read, Vec<AnomalyKind>) {
        let mut ledger = Ledger::new(1);
        let context = PortContext { application, dynamic_range: Some(LEGACY) };
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
    fn random_is_the_range_the_user_gives_else_none_yet() {
        assert_eq!(parse("RANDOM", "x"), (Ok(vec![(PortKind::Dynamic, Some(LEGACY))]), vec![AnomalyKind::DynamicPort]));
        let mut ledger = Ledger::new(1);
        let context = PortContext { application: "x", dynamic_range: None };
        let got = parse_ports("RANDOM", &context, &mut ledger).unwrap();
        assert_eq!((got[0].spec, got[0].awaits_range), (PortSpec::unnumbered(PortKind::Dynamic), true));
        assert_eq!(ledger.entries()[0].normalized.as_deref(), Some("dynamic"));
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
        let context = PortContext { application: "WinRM 2.0", dynamic_range: Some(LEGACY) };
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
