//! The words real pages use in port and protocol cells instead of numbers and transport names:
//! no-port words, dynamic-range words, ICMP message names, application protocols that imply a
//! transport, and direction words and arrows. Each is a small pure function of the words.

use super::transport::Transport;

/// Words that mean "no port here" (`n/a`, `--`, `Not applicable`).
pub fn means_no_port(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "" | "n/a" | "na" | "none" | "no port" | "no port number" | "-" | "--" | "---" | "—" | "–" | "not applicable"
    )
}

/// Whether the words mean any port (`Any`, `All`, `Any port`, `All ports`): port kind `any`.
pub fn means_any_port(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "any" | "all" | "any port" | "any ports" | "all ports" | "any/any" | "all/all"
    )
}

/// Words saying the port cannot be changed, with no port named (`Ports can't be changed.`).
pub fn port_unchangeable(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase().replace('\u{2019}', "'");
    !lower.bytes().any(|b| b.is_ascii_digit())
        && lower.split_whitespace().count() <= 8
        && (lower.contains("port") && (lower.contains("can't be changed") || lower.contains("cannot be changed")))
}

/// A cell naming only a protocol, no port (`WMI`, `CIM-XML`, `HTTPS`): the protocol's name.
pub fn protocol_name(text: &str) -> Option<&str> {
    let t = text.trim();
    let shaped = (2..=16).contains(&t.len())
        && t.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+' | '/'));
    if !shaped || means_no_port(t) || means_any_port(t) || means_dynamic(t) || Transport::from_name(t).is_some() {
        return None;
    }
    let capitals = t.chars().filter(char::is_ascii_uppercase).count();
    (capitals >= 2 || application_transport(t).is_some()).then_some(t)
}

/// Words for a port allocated at random from a range the page does not state: `RANDOM`, `DYNAMIC`,
/// `Random high RPC Port`, `RPC/DCOM High ports`, `ephemeral`.
pub fn means_dynamic(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    if lower.len() > 60 || lower.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let has = |w: &str| words.contains(&w);
    let plain = words.iter().all(|w| {
        matches!(
            *w,
            "random"
                | "randomly"
                | "dynamic"
                | "dynamically"
                | "ephemeral"
                | "high"
                | "rpc"
                | "dcom"
                | "tcp"
                | "udp"
                | "port"
                | "ports"
                | "allocated"
                | "assigned"
                | "range"
                | "a"
        )
    });
    plain
        && (has("random") || has("randomly") || has("dynamic") || has("dynamically") || has("ephemeral") || has("high"))
        && (has("random")
            || has("randomly")
            || has("dynamic")
            || has("dynamically")
            || has("ephemeral")
            || has("ports")
            || has("port"))
}

/// A sentence saying the port is dynamic without a number (`The TCP port is a dynamic port
/// determined at the time the Database Engine starts.`, `... with ports assigned through DCOM`).
pub fn dynamic_in_words(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    text.len() <= 200
        && !lower.bytes().any(|b| b.is_ascii_digit())
        && ([
            "dynamic port",
            "dynamically",
            "randomly",
            "random port",
            "ephemeral port",
            "ports assigned through dcom",
            "ports assigned through rpc",
            "ports assigned by rpc",
            "ports assigned by dcom",
        ]
        .iter()
        .any(|w| lower.contains(w)))
}

/// A phrase saying the port is chosen elsewhere, with no number (`Provider-specific port`,
/// `Configurable port`, `The port number configured by the administrator.`, `Administrator chosen
/// port`).
pub fn port_chosen_elsewhere(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.len() <= 10
        && !lower.bytes().any(|b| b.is_ascii_digit())
        && words.iter().any(|w| matches!(*w, "port" | "ports"))
        && words.iter().any(|w| {
            matches!(
                *w,
                "specific"
                    | "configurable"
                    | "custom"
                    | "varies"
                    | "variable"
                    | "configured"
                    | "defined"
                    | "chosen"
                    | "choose"
                    | "administrator"
                    | "selected"
            )
        })
}

/// The ICMP message type a cell names (`Echo`, `echo request`, `Echo port (...)`): 8 for echo
/// request, 0 for echo reply.
pub fn icmp_message(text: &str) -> Option<u8> {
    let lower = text.trim().to_ascii_lowercase();
    let head = lower.split('(').next().unwrap_or("").trim();
    let head = head.strip_prefix("icmp").map_or(head, str::trim);
    match head {
        "echo" | "echo request" | "echo port" | "echo request port" | "ping" => Some(8),
        "echo reply" => Some(0),
        _ => None,
    }
}

/// An application protocol a protocol cell may name instead of its transport: `Some(Some(t))`
/// where the name implies one transport, `Some(None)` where it is known but runs over more than
/// one (DNS, LDAP, Kerberos), `None` for a word that is no application protocol.
pub fn application_transport(word: &str) -> Option<Option<Transport>> {
    let upper = word.trim().to_ascii_uppercase();
    let tcp = Some(Some(Transport::Tcp));
    let udp = Some(Some(Transport::Udp));
    match upper.as_str() {
        "HTTP" | "HTTPS" | "RPC" | "DCOM" | "SMB" | "CIFS" | "RDP" | "SSH" | "SMTP" | "IMAP" | "POP3" | "LDAPS"
        | "FTP" | "FTPS" | "WINRM" | "PSOM" | "MTLS" | "TDS" | "SQL" | "TELNET" | "HTTP/HTTPS" => tcp,
        "DHCP" | "TFTP" | "SNMP" | "NTP" | "SRTP" | "RTP" | "RTCP" | "SYSLOG" => udp,
        "DNS" | "LDAP" | "KERBEROS" | "SIP" | "STUN" | "TURN" | "MSTURN" | "NETBIOS" | "ANY" | "IPENCAP" | "IPIP"
        | "IP-IN-IP" => Some(None),
        _ => None,
    }
}

/// Which way traffic flows, where a page says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Towards the page's subject (or from the `To` end to the `From` end: `<---`).
    Inbound,
    /// Away from it (from the `From` end to the `To` end: `--->`).
    Outbound,
    /// Either way (`<--->`, `Bidirectional`).
    Both,
}

impl Direction {
    /// The name stored in `direction`.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::Both => "both",
        }
    }
}

/// Reads a direction cell or arrow: `Inbound`, `Outbound`, `In`, `Out`, `Both`, `Bidirectional`,
/// `Inbound and outbound`, `--->`, `<---`, `<--->` (and `→`, `←`, `↔`). An arrow points the way the
/// traffic flows, from the table's `From` end towards its `To` end: `--->` is outbound (from the
/// `From` end), `<---` inbound, `<--->` both.
pub fn read_direction(text: &str) -> Option<Direction> {
    let t = text.trim().to_ascii_lowercase();
    let left = t.starts_with('<') || t.starts_with('←');
    let right = t.ends_with('>') || t.ends_with('→');
    let arrow = !t.is_empty() && t.chars().all(|c| matches!(c, '<' | '>' | '-' | '=' | '→' | '←' | '↔' | ' '));
    if arrow {
        return match (left || t.contains('↔'), right || t.contains('↔')) {
            (true, true) => Some(Direction::Both),
            (true, false) => Some(Direction::Inbound),
            (false, true) => Some(Direction::Outbound),
            (false, false) => None,
        };
    }
    let words: Vec<&str> = t.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty()).collect();
    let inbound = words.iter().any(|w| matches!(*w, "inbound" | "in" | "ingress" | "incoming"));
    let outbound = words.iter().any(|w| matches!(*w, "outbound" | "out" | "egress" | "outgoing"));
    let both = words.iter().any(|w| matches!(*w, "both" | "bidirectional" | "bi"));
    match (inbound, outbound, both) {
        (true, true, _) | (_, _, true) => Some(Direction::Both),
        (true, false, false) => Some(Direction::Inbound),
        (false, true, false) => Some(Direction::Outbound),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_port_and_any() {
        for w in ["n/a", "N/A", "--", "Not applicable", " none ", ""] {
            assert!(means_no_port(w), "{w}");
        }
        assert!(!means_no_port("80") && !means_no_port("Any"));
        for w in [" Any ", "All", "any port", "All ports"] {
            assert!(means_any_port(w), "{w}");
        }
        assert!(!means_any_port("n/a") && !means_any_port("Allow"));
    }

    #[test]
    fn dynamic_words() {
        for w in ["DYNAMIC", "RANDOM", "Random high RPC Port", "RPC/DCOM High ports", "dynamic ports", "Ephemeral"] {
            assert!(means_dynamic(w), "{w}");
        }
        for w in ["High", "RPC", "1024-65535", "Random port number between 1024 and 65535", "Port"] {
            assert!(!means_dynamic(w), "{w}");
        }
    }

    #[test]
    fn ports_in_words_without_a_number() {
        assert!(dynamic_in_words("The TCP port is a dynamic port determined at the time the Database Engine starts."));
        assert!(!dynamic_in_words("Port 1433"));
        assert!(dynamic_in_words("WMI runs as part of a shared service host with ports assigned through DCOM."));
        assert!(port_chosen_elsewhere("Provider-specific port"));
        assert!(port_chosen_elsewhere("Configurable port"));
        assert!(port_chosen_elsewhere("The port number configured by the administrator."));
        assert!(port_chosen_elsewhere("Administrator chosen port"));
        assert!(!port_chosen_elsewhere("Firewalls must be configured to allow authentication requests."));
        assert!(port_unchangeable("Ports can't be changed.") && port_unchangeable("Ports can\u{2019}t be changed."));
        assert!(!port_unchangeable("Ports can be changed in the msexchangeum.config configuration file."));
        assert!(!port_chosen_elsewhere("Port 135") && !port_chosen_elsewhere("Specific"));
    }

    #[test]
    fn cells_naming_only_a_protocol() {
        for cell in ["WMI", "CIM-XML", "HTTPS", "WinRM", "Net.TCP"] {
            assert_eq!(protocol_name(cell), Some(cell), "{cell}");
        }
        for cell in ["eighty", "TCP", "n/a", "Any", "RANDOM", "443", "Local call", "Echo"] {
            assert_eq!(protocol_name(cell), None, "{cell}");
        }
    }

    #[test]
    fn icmp_messages() {
        assert_eq!(icmp_message("Echo"), Some(8));
        assert_eq!(icmp_message("echo request"), Some(8));
        assert_eq!(icmp_message("Echo port (This port is required during a node join operation.)"), Some(8));
        assert_eq!(icmp_message("ICMP Echo Reply"), Some(0));
        assert_eq!(icmp_message("443"), None);
    }

    #[test]
    fn application_protocols_that_imply_a_transport() {
        assert_eq!(application_transport("https"), Some(Some(Transport::Tcp)));
        assert_eq!(application_transport("DHCP"), Some(Some(Transport::Udp)));
        assert_eq!(application_transport("DNS"), Some(None));
        assert_eq!(application_transport("XTP"), None);
    }

    proptest::proptest! {
        #[test]
        fn any_words_are_read_or_not(text in "\\PC{0,40}") {
            let _ = (read_direction(&text), means_dynamic(&text), icmp_message(&text), means_no_port(&text));
        }
    }

    #[test]
    fn directions_and_arrows() {
        assert_eq!(read_direction("Inbound"), Some(Direction::Inbound));
        assert_eq!(read_direction("Outbound"), Some(Direction::Outbound));
        assert_eq!(read_direction("Inbound/Outbound"), Some(Direction::Both));
        assert_eq!(read_direction("--->"), Some(Direction::Outbound));
        assert_eq!(read_direction("<---"), Some(Direction::Inbound));
        assert_eq!(read_direction("<--->"), Some(Direction::Both));
        assert_eq!(read_direction("→"), Some(Direction::Outbound));
        assert_eq!(read_direction("Sometimes"), None);
        assert_eq!(read_direction("---"), None);
    }
}
