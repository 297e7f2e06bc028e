//! The protocol column: normalized to TCP, UDP, GRE, ESP, AH or ICMP, with every departure ledgered.

use super::ledger::Ledger;
use crate::anomaly::AnomalyKind;

/// A transport (IP-level protocol) a port rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Transport {
    /// Transmission Control Protocol.
    Tcp,
    /// User Datagram Protocol.
    Udp,
    /// Generic Routing Encapsulation.
    Gre,
    /// IPsec Encapsulating Security Payload.
    Esp,
    /// IPsec Authentication Header.
    Ah,
    /// Internet Control Message Protocol.
    Icmp,
    /// IP in IP encapsulation (IANA's `IPv4`, also called IPENCAP), as Calico's overlay uses it.
    IpIp,
}

impl Transport {
    /// Every transport.
    pub const ALL: [Transport; 7] = [
        Transport::Tcp,
        Transport::Udp,
        Transport::Gre,
        Transport::Esp,
        Transport::Ah,
        Transport::Icmp,
        Transport::IpIp,
    ];

    /// The normalized name, as stored.
    pub fn name(self) -> &'static str {
        match self {
            Transport::Tcp => "TCP",
            Transport::Udp => "UDP",
            Transport::Gre => "GRE",
            Transport::Esp => "ESP",
            Transport::Ah => "AH",
            Transport::Icmp => "ICMP",
            Transport::IpIp => "IPIP",
        }
    }

    /// The IANA protocol number.
    pub fn ip_protocol(self) -> u8 {
        match self {
            Transport::Tcp => 6,
            Transport::Udp => 17,
            Transport::Gre => 47,
            Transport::Esp => 50,
            Transport::Ah => 51,
            Transport::Icmp => 1,
            Transport::IpIp => 4,
        }
    }

    /// Whether the transport has port numbers.
    pub fn has_ports(self) -> bool {
        matches!(self, Transport::Tcp | Transport::Udp)
    }

    /// The transport of this IANA protocol number (`protocol number 4`: IPIP).
    pub fn from_number(number: u8) -> Option<Transport> {
        Transport::ALL.into_iter().find(|t| t.ip_protocol() == number)
    }

    /// The transport with exactly this name (any case), or one of the other names pages give
    /// IP in IP (`IPENCAP`, as /etc/protocols calls it, and `IP-in-IP`).
    pub fn from_name(name: &str) -> Option<Transport> {
        if ["IPENCAP", "IP-IN-IP", "IPINIP"].iter().any(|alias| alias.eq_ignore_ascii_case(name)) {
            return Some(Transport::IpIp);
        }
        Transport::ALL.into_iter().find(|t| t.name().eq_ignore_ascii_case(name))
    }
}

/// Layers that ride on a transport and may be named beside it (`UDP and DTLS`).
fn carried_by(token: &str) -> Option<Transport> {
    match token.to_ascii_uppercase().as_str() {
        "DTLS" => Some(Transport::Udp),
        "TLS" | "SSL" => Some(Transport::Tcp),
        _ => None,
    }
}

/// The one transport a misspelt token can only mean (one edit away from exactly one name).
fn correct_typo(token: &str) -> Option<Transport> {
    let upper = token.to_ascii_uppercase();
    // One edit from a name of at most four letters: longer words need no distance table (and a
    // megabyte-long cell must not build one).
    if !(2..=5).contains(&upper.len()) || !upper.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut near = Transport::ALL.into_iter().filter(|t| strsim::osa_distance(&upper, t.name()) == 1);
    match (near.next(), near.next()) {
        (Some(t), None) => return Some(t),
        (Some(_), Some(_)) => return None,
        _ => {}
    }
    // Two slips in three letters, the first kept (`UPS` for `UDP`: a transposition and a key
    // beside it): only a transport with ports, whose name it can only be.
    let mut near = [Transport::Tcp, Transport::Udp].into_iter().filter(|t| {
        upper.len() == 3 && upper.as_bytes()[0] == t.name().as_bytes()[0] && strsim::osa_distance(&upper, t.name()) == 2
    });
    match (near.next(), near.next()) {
        (Some(t), None) => Some(t),
        _ => None,
    }
}

/// Reads one token of a protocol cell: a transport name, a typo of one, or a carried layer.
fn read_token(token: &str, ledger: &mut Ledger) -> Option<(Transport, bool)> {
    if let Some(t) = Transport::from_name(token) {
        if token != t.name() {
            ledger.note(
                AnomalyKind::TransportCase,
                token,
                Some(t.name().into()),
                format!("The protocol \"{token}\" was loaded as {}.", t.name()),
            );
        }
        return Some((t, false));
    }
    if let Some(t) = carried_by(token) {
        return Some((t, true));
    }
    let t = correct_typo(token)?;
    ledger.note(
        AnomalyKind::TransportTypo,
        token,
        Some(t.name().into()),
        format!(
            "The protocol \"{token}\" is not a protocol name; it was read as the typo for {} it can only be.",
            t.name()
        ),
    );
    Some((t, false))
}

/// What a protocol cell says: its transports (none where it names none: the page leaves the
/// transport unspecified, unless the port cell names it) and the words beside them (`TLS` in
/// `TCP (TLS)`, an application protocol such as `HTTPS`), kept for the rule's note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProtocolCell {
    /// The transports, each once, in the cell's order.
    pub transports: Vec<Transport>,
    /// The other words of the cell.
    pub notes: Vec<String>,
}

/// The cell with its remarks in parentheses and after ` - ` taken out (`TCP (TLS)`,
/// `TCP - Client and device retrieval ...`).
fn without_remarks(cell: &str) -> (String, Vec<String>) {
    let (mut kept, mut remarks, mut depth, mut remark) = (String::new(), Vec::new(), 0usize, String::new());
    for c in cell.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    remarks.push(std::mem::take(&mut remark).trim().to_string());
                }
            }
            _ if depth > 0 => remark.push(c),
            _ => kept.push(c),
        }
    }
    if let Some((head, tail)) = kept.split_once(" - ") {
        remarks.push(tail.trim().to_string());
        kept = head.to_string();
    }
    remarks.retain(|r| !r.is_empty());
    (kept, remarks)
}

/// At most 80 characters of `text`, for a message (a cell may be a megabyte long).
fn shortened(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_string(),
    }
}

/// The words of a protocol cell, sorted by what they say.
#[derive(Default)]
struct Words {
    /// Transports named (or misspelt).
    named: Vec<Transport>,
    /// Transports of the layers named (`TLS`: TCP).
    carried: Vec<Transport>,
    /// Transports the application protocols named imply (`HTTPS`: TCP).
    implied: Vec<Transport>,
    /// Every word that is not a transport name, for the note.
    notes: Vec<String>,
}

/// Sorts the words of `kept` (the cell without its remarks); refuses one unknown word.
fn read_words(cell: &str, kept: &str, ledger: &mut Ledger) -> Result<Words, String> {
    let tokens = kept.split(['/', '+', ',', '&', '\n']).flat_map(|part| part.split(" and "));
    let mut words = Words::default();
    for token in tokens.map(str::trim).filter(|t| !t.is_empty()) {
        // `IP protocol 47`, `protocol number 4`: the transport by its IANA number.
        if let Some(t) = by_number(token) {
            words.named.push(t);
            if token != t.name() {
                let message =
                    format!("The protocol \"{token}\" was loaded as {}, IANA protocol {}.", t.name(), t.ip_protocol());
                ledger.note(AnomalyKind::TransportCase, token, Some(t.name().into()), message);
            }
            continue;
        }
        // An application protocol is no typo: `RPC` is one edit from `TCP`, but means RPC.
        if let (None, Some(implied)) = (Transport::from_name(token), super::words::application_transport(token)) {
            words.implied.extend(implied);
            words.notes.push(token.to_string());
            continue;
        }
        match read_token(token, ledger) {
            Some((t, false)) => words.named.push(t),
            Some((t, true)) => {
                words.carried.push(t);
                words.notes.push(token.to_string());
            }
            // Several words are a description (`remote procedure call`).
            None if token.contains(' ') => words.notes.push(token.to_string()),
            // One word that is neither a transport nor an application protocol is a mistake (`XTP`).
            None => {
                let within = if token == cell { String::new() } else { format!(" in \"{}\"", shortened(cell)) };
                let token = shortened(token);
                return Err(format!(
                    "unknown protocol \"{token}\"{within}: expected TCP, UDP, GRE, ESP, AH, ICMP or IPIP"
                ));
            }
        }
    }
    Ok(words)
}

/// The transport a protocol number names: `IP protocol 47`, `protocol number 4`, `Protocol 50`.
fn by_number(token: &str) -> Option<Transport> {
    let lower = token.to_ascii_lowercase();
    let rest = lower.strip_prefix("ip ").unwrap_or(&lower).trim_start();
    let rest = rest.strip_prefix("protocol")?.trim_start();
    let rest = ["number", "no.", "no", "#"].iter().find_map(|w| rest.strip_prefix(w)).unwrap_or(rest).trim();
    Transport::from_number(rest.parse().ok()?)
}

/// Reads a protocol cell. `application` is the row's application protocol, used when the cell is
/// empty or says no transport is meant (`n/a`). A cell naming no transport reads as none (with its words as notes) where its words are
/// an application protocol or several words, and is refused where it is one unknown word (`XTP`).
pub fn parse_transport(cell: &str, application: &str, ledger: &mut Ledger) -> Result<ProtocolCell, String> {
    let cell = cell.trim();
    // `All`, `Any`: every transport, which names none.
    if super::words::means_any_port(cell) || cell == "*" {
        return Ok(ProtocolCell { transports: Vec::new(), notes: vec![cell.to_string()] });
    }
    if cell.is_empty() || super::words::means_no_port(cell) {
        if application.to_ascii_uppercase().contains("ICMP") {
            ledger.note(
                AnomalyKind::TransportInferred,
                "",
                Some("ICMP".into()),
                format!("The protocol cell says none; ICMP was taken from the application protocol \"{application}\"."),
            );
            return Ok(ProtocolCell { transports: vec![Transport::Icmp], notes: Vec::new() });
        }
        return Ok(ProtocolCell::default());
    }
    // The regular form, first: one transport by its name.
    if let Some(t) = Transport::ALL.into_iter().find(|t| t.name() == cell) {
        return Ok(ProtocolCell { transports: vec![t], notes: Vec::new() });
    }
    let (kept, remarks) = without_remarks(cell);
    let words = read_words(cell, &kept, ledger)?;
    // Named transports first, then the transports of carried layers (`DTLS`), then those the
    // application protocols imply (`HTTPS`).
    let from_application = words.named.is_empty() && words.carried.is_empty() && !words.implied.is_empty();
    let chosen = [&words.named, &words.carried, &words.implied].into_iter().find(|t| !t.is_empty());
    let mut unique = Vec::new();
    for &t in chosen.into_iter().flatten() {
        if !unique.contains(&t) {
            unique.push(t);
        }
    }
    let notes = remarks.into_iter().chain(words.notes).collect();
    let carried = !words.carried.is_empty();
    let found = ProtocolCell { transports: unique, notes };
    ledger_cell(cell, &found, carried, from_application, ledger);
    Ok(found)
}

/// Ledgers what reading a protocol cell did beyond naming one transport.
fn ledger_cell(cell: &str, found: &ProtocolCell, carried: bool, from_application: bool, ledger: &mut Ledger) {
    let names: Vec<&str> = found.transports.iter().map(|t| t.name()).collect();
    if from_application {
        ledger.note(
            AnomalyKind::TransportFromApplication,
            cell,
            Some(names.join(", ")),
            format!("The protocol cell \"{cell}\" names an application protocol; loaded as {}.", names.join(" and ")),
        );
    } else if (carried || !found.notes.is_empty()) && !names.is_empty() {
        ledger.note(
            AnomalyKind::TransportQualifier,
            cell,
            Some(names.join(", ")),
            format!(
                "The protocol cell \"{cell}\" names more than a transport; loaded as {}, the rest kept in the note.",
                names.join(" and ")
            ),
        );
    }
    if found.transports.len() > 1 {
        ledger.note(
            AnomalyKind::MultipleTransports,
            cell,
            Some(names.join(", ")),
            format!("The protocol cell \"{cell}\" names {} transports; one row each.", found.transports.len()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(cell: &str, application: &str) -> (Result<Vec<Transport>, String>, Vec<AnomalyKind>) {
        let mut ledger = Ledger::new(1);
        let got = parse_transport(cell, application, &mut ledger).map(|c| c.transports);
        (got, ledger.into_entries().into_iter().map(|a| a.kind).collect())
    }

    #[test]
    fn plain_names_are_not_anomalies() {
        for t in Transport::ALL {
            assert_eq!(parse(t.name(), "x"), (Ok(vec![t]), vec![]));
        }
    }

    #[test]
    fn typos_are_corrected_only_when_unambiguous() {
        assert_eq!(parse("UPD", "SMS Remote Chat"), (Ok(vec![Transport::Udp]), vec![AnomalyKind::TransportTypo]));
        assert_eq!(parse("TP", "WinRM 2.0"), (Ok(vec![Transport::Tcp]), vec![AnomalyKind::TransportTypo]));
        assert_eq!(parse("TPC", "x"), (Ok(vec![Transport::Tcp]), vec![AnomalyKind::TransportTypo]));
        let ups = parse("TCP/UPS/TLS (configurable)", "Syslog");
        assert_eq!(ups.0, Ok(vec![Transport::Tcp, Transport::Udp]));
        assert!(ups.1.contains(&AnomalyKind::TransportTypo), "{:?}", ups.1);
        assert_eq!(
            parse("XYZ", "x").0,
            Err("unknown protocol \"XYZ\": expected TCP, UDP, GRE, ESP, AH, ICMP or IPIP".into())
        );
        assert!(parse("TCP/XYZ", "x").0.unwrap_err().starts_with("unknown protocol \"XYZ\" in \"TCP/XYZ\": expected"));
        assert!(parse("SCTP", "x").0.is_err());
        let long = parse(&"TCP".repeat(100_000), "x").0.unwrap_err();
        assert!(long.len() < 300, "{}", long.len());
    }

    #[test]
    fn lists_and_qualifiers() {
        let both = Ok(vec![Transport::Tcp, Transport::Udp]);
        assert_eq!(parse("TCP/UDP", "x"), (both.clone(), vec![AnomalyKind::MultipleTransports]));
        assert_eq!(parse("TCP + UDP", "x"), (both, vec![AnomalyKind::MultipleTransports]));
        assert_eq!(parse("UDP and DTLS", "x"), (Ok(vec![Transport::Udp]), vec![AnomalyKind::TransportQualifier]));
        assert_eq!(parse("tcp", "x"), (Ok(vec![Transport::Tcp]), vec![AnomalyKind::TransportCase]));
    }

    #[test]
    fn an_empty_cell_beside_icmp_is_icmp() {
        assert_eq!(parse("", "ICMP"), (Ok(vec![Transport::Icmp]), vec![AnomalyKind::TransportInferred]));
        assert_eq!(parse("", "SMB"), (Ok(vec![]), vec![]));
    }

    #[test]
    fn words_beside_the_transport_and_application_protocols() {
        let cell = |c: &str| parse_transport(c, "x", &mut Ledger::new(1)).unwrap();
        assert_eq!(cell("TCP (TLS)"), ProtocolCell { transports: vec![Transport::Tcp], notes: vec!["TLS".into()] });
        assert_eq!(cell("HTTPS\nTCP").transports, [Transport::Tcp]);
        assert_eq!(cell("DCOM and remote procedure call (RPC)").transports, [Transport::Tcp]);
        assert_eq!(cell("UDP and TCP").transports, [Transport::Udp, Transport::Tcp]);
        assert_eq!(cell("TCP, UDP").transports, [Transport::Tcp, Transport::Udp]);
        assert_eq!(cell("RPC").transports, [Transport::Tcp]);
        assert_eq!(cell("DNS").transports, []);
        assert_eq!(cell("TCP - Client and device retrieval of root certificate").transports, [Transport::Tcp]);
        assert_eq!(parse("HTTPS", "x"), (Ok(vec![Transport::Tcp]), vec![AnomalyKind::TransportFromApplication]));
    }

    proptest::proptest! {
        #[test]
        fn any_protocol_cell_is_read_or_refused(cell in "[A-Za-z/(), +&\n-]{0,40}") {
            let _ = parse_transport(&cell, "x", &mut Ledger::new(1));
        }
    }

    #[test]
    fn protocol_numbers_are_iana() {
        let numbers: Vec<u8> = Transport::ALL.iter().map(|t| t.ip_protocol()).collect();
        assert_eq!(numbers, [6, 17, 47, 50, 51, 1, 4]);
    }

    #[test]
    fn a_transport_by_its_protocol_number_and_none_said_beside_icmp() {
        assert_eq!(parse("protocol number 4", "x").0, Ok(vec![Transport::IpIp]));
        assert_eq!(parse("IP protocol 47", "x").0, Ok(vec![Transport::Gre]));
        assert_eq!(parse("n/a", "Allow ICMPv4 and ICMPv6").0, Ok(vec![Transport::Icmp]));
        assert_eq!(parse("n/a", "Allow SMB").0, Ok(vec![]));
        assert_eq!(parse("All", "All traffic"), (Ok(vec![]), vec![]));
    }

    #[test]
    fn ip_in_ip_by_any_of_its_names() {
        let mut ledger = Ledger::new(27);
        let cell = parse_transport("IPENCAP / IPIP", "x", &mut ledger).unwrap();
        assert_eq!(cell.transports, [Transport::IpIp]);
        assert_eq!(Transport::from_name("ip-in-ip"), Some(Transport::IpIp));
        assert!(!Transport::IpIp.has_ports());
    }
}
