//! ICMP as a firewall opens it: a row's type (a bare `ICMP` row means ping, echo request, unless
//! `--icmp all`), its ICMPv6 counterpart, and the ICMPv6 messages IPv6 cannot work without
//! (RFC 4890, section 4.4.1), which a default-deny policy accepts.

use super::{IcmpTypes, PortRule};

/// ICMP echo request (ping).
pub const ECHO_REQUEST: u8 = 8;

/// ICMPv6 messages that must not be dropped, each with a word for the comment (RFC 4890 4.4.1).
pub const RFC4890: [(Rfc4890, &[u8]); 4] = [
    // Destination unreachable, packet too big, time exceeded, parameter problem.
    (Rfc4890::Errors, &[1, 2, 3, 4]),
    // Router and neighbour solicitation and advertisement, inverse neighbour discovery and SEND's
    // certification path messages: only valid with hop limit 255, so never from off the link.
    (Rfc4890::Discovery, &[133, 134, 135, 136, 141, 142, 148, 149]),
    // Multicast listener query, report, done, report v2, multicast router discovery: only from
    // link-local addresses.
    (Rfc4890::LinkLocal, &[130, 131, 132, 143, 151, 152, 153]),
    // Multicast listener reports (v1, v2) from the unspecified address, which a node sends while
    // its link-local address is tentative (duplicate address detection, RFC 3590), so that
    // switches snooping MLD forward its solicited-node group; MLD always has hop limit 1.
    (Rfc4890::Unspecified, &[131, 143]),
];

/// The three groups of [`RFC4890`], each matched its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rfc4890 {
    /// Error messages: from anywhere.
    Errors,
    /// Neighbour and router discovery: hop limit 255.
    Discovery,
    /// Multicast listener and router discovery: link-local source.
    LinkLocal,
    /// Multicast listener reports of duplicate address detection: source `::`, hop limit 1.
    Unspecified,
}

impl Rfc4890 {
    /// The rule's comment.
    pub fn comment(self) -> &'static str {
        match self {
            Rfc4890::Errors => "kbingest: ICMPv6 errors IPv6 needs, packet too big among them (RFC 4890)",
            Rfc4890::Discovery => "kbingest: IPv6 neighbour and router discovery, hop limit 255 (RFC 4890)",
            Rfc4890::LinkLocal => "kbingest: IPv6 multicast listener discovery, link-local (RFC 4890)",
            Rfc4890::Unspecified => {
                "kbingest: IPv6 multicast listener reports from :: during duplicate address detection (RFC 3590, RFC 4890)"
            }
        }
    }

    /// Whether the group is for a host's own traffic only: discovery never crosses a router.
    pub fn on_link(self) -> bool {
        self != Rfc4890::Errors
    }
}

/// The ICMPv6 message that does for IPv6 what ICMP type `t` does for IPv4, where there is one.
pub fn v6_counterpart(t: u8) -> Option<u8> {
    match t {
        0 => Some(129),  // echo reply
        3 => Some(1),    // destination unreachable
        5 => Some(137),  // redirect
        8 => Some(128),  // echo request
        9 => Some(134),  // router advertisement
        10 => Some(133), // router solicitation
        11 => Some(3),   // time exceeded
        12 => Some(4),   // parameter problem
        _ => None,
    }
}

/// What the comment of an ICMP rule whose type has no ICMPv6 counterpart says: that it opens IPv4
/// only (no ICMPv6 rule, and nothing in the ip6tables file but the comment).
pub fn ipv4_only(protocol: super::Protocol) -> Option<String> {
    match protocol {
        super::Protocol::Icmp(Some(t)) if v6_counterpart(t).is_none() => {
            Some(format!("ICMP type {t} has no ICMPv6 counterpart: IPv4 only"))
        }
        _ => None,
    }
}

/// The type an ICMP row opens (`None`: every type) and what its comment says about it.
pub fn type_of(row: &PortRule, choice: IcmpTypes) -> (Option<u8>, Option<String>) {
    if let Some(t) = row.icmp_type {
        return (Some(t), None);
    }
    let words = format!("{} {}", row.application_protocol, row.port_raw);
    if says_ping(&words) {
        return (Some(ECHO_REQUEST), Some("ping: echo request".into()));
    }
    match choice {
        IcmpTypes::Echo => (
            Some(ECHO_REQUEST),
            Some("the row names no ICMP type: echo request only (--icmp all opens every type)".into()),
        ),
        IcmpTypes::All => (None, Some("the row names no ICMP type: every type (--icmp all)".into())),
    }
}

/// Whether the words name ping or echo.
fn says_ping(words: &str) -> bool {
    words
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case("ping") || w.eq_ignore_ascii_case("echo"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn icmp(application: &str, raw: &str, icmp_type: Option<u8>) -> PortRule {
        PortRule {
            source: "kb.md".into(),
            service: "Group Policy".into(),
            system_service_name: None,
            application_protocol: application.into(),
            transport: Some("ICMP".into()),
            ip_protocol: Some(1),
            ports: None,
            dynamic: false,
            port_raw: raw.into(),
            direction: None,
            icmp_type,
            source_ports: None,
            source_line: 399,
        }
    }

    #[test]
    fn a_bare_icmp_row_is_ping_unless_every_type_is_asked() {
        let bare = icmp("ICMP", "No port number", None);
        assert_eq!(type_of(&bare, IcmpTypes::Echo).0, Some(8));
        assert!(type_of(&bare, IcmpTypes::Echo).1.unwrap().contains("--icmp all opens every type"));
        assert_eq!(type_of(&bare, IcmpTypes::All).0, None);
        let ping = icmp("ICMP (ping)", "", None);
        assert_eq!(type_of(&ping, IcmpTypes::All), (Some(8), Some("ping: echo request".into())));
        assert_eq!(type_of(&icmp("ICMP", "Echo", Some(0)), IcmpTypes::All), (Some(0), None));
        assert_eq!(type_of(&icmp("Pinger", "", None), IcmpTypes::All).0, None, "a word, not a part of one");
    }

    #[test]
    fn ipv6_counterparts() {
        assert_eq!(v6_counterpart(8), Some(128));
        assert_eq!(v6_counterpart(13), None, "timestamp has none");
        assert_eq!(
            ipv4_only(crate::firewall::Protocol::Icmp(Some(13))).as_deref(),
            Some("ICMP type 13 has no ICMPv6 counterpart: IPv4 only")
        );
        for twinned in [Some(8), Some(0), None] {
            assert_eq!(ipv4_only(crate::firewall::Protocol::Icmp(twinned)), None, "{twinned:?}");
        }
        for (_, types) in RFC4890 {
            assert!(!types.contains(&128), "echo is the page's to allow");
        }
    }
}
