//! A port cell that refers elsewhere (`see comments`): the row's remarks name the ports, as a list
//! of `name: ports` items (`• SOCKS4, SOCKS5: 1081, 1080 • Wingate, Telnet, Cisco: 23`), and the
//! transport in words (`the following protocols and TCP ports`).

use super::port::{PortKind, PortSpec, PortValue};
use super::transport::Transport;
use regex::Regex;
use std::sync::LazyLock;

static ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"•\s*([^:•]{1,80}?):\s*([0-9]{1,5}(?:\s*,\s*[0-9]{1,5})*)").expect("valid regex"));

/// Whether a port cell's words send the reader elsewhere (`see comments`, `See notes`).
pub fn refers_elsewhere(words: &str) -> bool {
    words.trim().to_ascii_lowercase().starts_with("see ")
}

/// The transports the remarks name in words, each once (`TCP ports`).
fn transports_named(notes: &[String]) -> Vec<Transport> {
    let mut found = Vec::new();
    for word in notes.iter().flat_map(|n| n.split(|c: char| !c.is_ascii_alphanumeric())) {
        if let Some(t) = Transport::from_name(word).filter(|t| t.has_ports() && word == t.name())
            && !found.contains(&t)
        {
            found.push(t);
        }
    }
    found
}

/// The values the remarks give for a cell that refers to them (`raw`): one per port of each
/// `name: ports` item, the name in the note, with the transports the remarks name; `None` where
/// they name neither ports nor a transport.
pub fn ports_in_notes(raw: &str, notes: &[String]) -> Option<Vec<PortValue>> {
    let transports = transports_named(notes);
    let mut values = Vec::new();
    for caps in notes.iter().flat_map(|n| ITEM.captures_iter(n)) {
        for digits in caps[2].split(',') {
            let Ok(port) = digits.trim().parse::<u16>() else { continue };
            let mut value = PortValue::new(raw, PortSpec { kind: PortKind::Fixed, range: Some((port, port)) });
            value.transports.clone_from(&transports);
            value.notes.push(caps[1].trim().to_string());
            values.push(value);
        }
    }
    if values.is_empty() && !transports.is_empty() {
        let mut value = PortValue::new(raw, PortSpec::NONE);
        value.transports = transports;
        values.push(value);
    }
    (!values.is_empty()).then_some(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_listed_in_the_comments() {
        let notes = ["Open proxy server detection uses the following protocols and TCP ports: • SOCKS4, SOCKS5: 1081, 1080 • Wingate, Telnet, Cisco: 23 • HTTP CONNECT, HTTP POST: 6588, 3128, 80 Also ...".to_string()];
        let got = ports_in_notes("see comments", &notes).unwrap();
        let ports: Vec<(u16, &str)> = got.iter().map(|v| (v.spec.range.unwrap().0, v.notes[0].as_str())).collect();
        assert_eq!(
            ports,
            [
                (1081, "SOCKS4, SOCKS5"),
                (1080, "SOCKS4, SOCKS5"),
                (23, "Wingate, Telnet, Cisco"),
                (6588, "HTTP CONNECT, HTTP POST"),
                (3128, "HTTP CONNECT, HTTP POST"),
                (80, "HTTP CONNECT, HTTP POST")
            ]
        );
        assert!(got.iter().all(|v| v.transports == [Transport::Tcp] && v.raw == "see comments"));
    }

    #[test]
    fn a_transport_without_ports_or_nothing() {
        let got = ports_in_notes("see notes", &["Uses a UDP port chosen at setup.".to_string()]).unwrap();
        assert_eq!((got[0].spec, got[0].transports.clone()), (PortSpec::NONE, vec![Transport::Udp]));
        assert_eq!(ports_in_notes("see notes", &["Nothing here.".to_string()]), None);
        assert!(refers_elsewhere("See comments") && !refers_elsewhere("443"));
    }
}
