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
}

impl Transport {
    /// Every transport.
    pub const ALL: [Transport; 6] =
        [Transport::Tcp, Transport::Udp, Transport::Gre, Transport::Esp, Transport::Ah, Transport::Icmp];

    /// The normalized name, as stored.
    pub fn name(self) -> &'static str {
        match self {
            Transport::Tcp => "TCP",
            Transport::Udp => "UDP",
            Transport::Gre => "GRE",
            Transport::Esp => "ESP",
            Transport::Ah => "AH",
            Transport::Icmp => "ICMP",
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
        }
    }

    /// Whether the transport has port numbers.
    pub fn has_ports(self) -> bool {
        matches!(self, Transport::Tcp | Transport::Udp)
    }

    /// The transport with exactly this name (any case).
    pub fn from_name(name: &str) -> Option<Transport> {
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

/// Reads a protocol cell into one or more transports. `application` is the row's application
/// protocol, used when the cell is empty. An empty result with no error means the cell was empty
/// and nothing could be inferred; the caller may find the transport elsewhere (a port sentence).
pub fn parse_transport(cell: &str, application: &str, ledger: &mut Ledger) -> Result<Vec<Transport>, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        if application.to_ascii_uppercase().contains("ICMP") {
            ledger.note(
                AnomalyKind::TransportInferred,
                "",
                Some("ICMP".into()),
                format!("The protocol cell is empty; ICMP was taken from the application protocol \"{application}\"."),
            );
            return Ok(vec![Transport::Icmp]);
        }
        return Ok(Vec::new());
    }
    // The regular form, first: one transport by its name.
    if let Some(t) = Transport::ALL.into_iter().find(|t| t.name() == cell) {
        return Ok(vec![t]);
    }
    let tokens: Vec<&str> = cell
        .split(['/', '+', ',', '&'])
        .flat_map(|part| part.split(" and "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    let mut found: Vec<(Transport, bool)> = Vec::new();
    for token in &tokens {
        match read_token(token, ledger) {
            Some(t) => found.push(t),
            None => {
                let within = if *token == cell { String::new() } else { format!(" in \"{cell}\"") };
                return Err(format!("unknown protocol \"{token}\"{within}: expected TCP, UDP, GRE, ESP, AH or ICMP"));
            }
        }
    }
    let mut transports: Vec<Transport> = found.iter().filter(|(_, carried)| !carried).map(|(t, _)| *t).collect();
    let carried: Vec<Transport> = found.iter().filter(|(_, carried)| *carried).map(|(t, _)| *t).collect();
    if transports.is_empty() {
        transports = carried.clone();
    }
    transports.dedup();
    if !carried.is_empty() {
        let names: Vec<&str> = transports.iter().map(|t| t.name()).collect();
        ledger.note(
            AnomalyKind::TransportQualifier,
            cell,
            Some(names.join(", ")),
            format!(
                "The protocol cell \"{cell}\" names a layer carried by a transport; loaded as {}.",
                names.join(" and ")
            ),
        );
    }
    if transports.len() > 1 {
        let names: Vec<&str> = transports.iter().map(|t| t.name()).collect();
        ledger.note(
            AnomalyKind::MultipleTransports,
            cell,
            Some(names.join(", ")),
            format!("The protocol cell \"{cell}\" names {} transports; one row each.", transports.len()),
        );
    }
    Ok(transports)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(cell: &str, application: &str) -> (Result<Vec<Transport>, String>, Vec<AnomalyKind>) {
        let mut ledger = Ledger::new(1);
        let got = parse_transport(cell, application, &mut ledger);
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
        assert_eq!(
            parse("XYZ", "x").0,
            Err("unknown protocol \"XYZ\": expected TCP, UDP, GRE, ESP, AH or ICMP".into())
        );
        assert!(parse("TCP/XYZ", "x").0.unwrap_err().starts_with("unknown protocol \"XYZ\" in \"TCP/XYZ\": expected"));
        assert!(parse("SCTP", "x").0.is_err());
        assert!(parse(&"TCP".repeat(100_000), "x").0.is_err());
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
    fn protocol_numbers_are_iana() {
        let numbers: Vec<u8> = Transport::ALL.iter().map(|t| t.ip_protocol()).collect();
        assert_eq!(numbers, [6, 17, 47, 50, 51, 1]);
    }
}
