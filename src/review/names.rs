//! The names firewall tools give IP protocols and ICMP types, as numbers.

/// The IP protocol number of a name as nftables, iptables and Windows write it (`tcp`, `ipv6-icmp`,
/// `ICMPv6`, `47`), ignoring case.
pub fn protocol_number(name: &str) -> Option<u8> {
    let lower = name.trim().to_ascii_lowercase();
    if let Ok(n) = lower.parse::<u8>() {
        return Some(n);
    }
    Some(match lower.as_str() {
        "icmp" | "icmpv4" => 1,
        "igmp" => 2,
        "ipip" | "ipencap" | "ipv4" => 4,
        "tcp" => 6,
        "udp" => 17,
        "ipv6" => 41,
        "gre" => 47,
        "esp" | "ipsec-esp" => 50,
        "ah" | "ipsec-ah" => 51,
        "icmpv6" | "ipv6-icmp" | "icmp6" => 58,
        "dccp" => 33,
        "ospf" | "ospfigp" => 89,
        "pim" => 103,
        "vrrp" => 112,
        "l2tp" => 115,
        "sctp" => 132,
        "udplite" => 136,
        _ => return None,
    })
}

/// The name of an IP protocol for people: `TCP`, `GRE`, `IP protocol 253`.
pub fn protocol_name(number: u8) -> String {
    match number {
        1 => "ICMP".into(),
        2 => "IGMP".into(),
        4 => "IPIP".into(),
        6 => "TCP".into(),
        17 => "UDP".into(),
        33 => "DCCP".into(),
        41 => "IPv6".into(),
        47 => "GRE".into(),
        50 => "ESP".into(),
        51 => "AH".into(),
        58 => "ICMPv6".into(),
        89 => "OSPF".into(),
        112 => "VRRP".into(),
        132 => "SCTP".into(),
        136 => "UDPLite".into(),
        n => format!("IP protocol {n}"),
    }
}

/// The number of an ICMP (`v6` false) or ICMPv6 type by its nftables or iptables name, or as a
/// number (`8`, or iptables' `8/0`, type and code).
pub fn icmp_type(name: &str, v6: bool) -> Option<u8> {
    let lower = name.trim().to_ascii_lowercase();
    let number = lower.split('/').next().unwrap_or_default();
    if let Ok(n) = number.parse::<u8>() {
        return Some(n);
    }
    let v4_names: &[(&str, u8)] = &[
        ("echo-reply", 0),
        ("pong", 0),
        ("destination-unreachable", 3),
        ("network-unreachable", 3),
        ("host-unreachable", 3),
        ("protocol-unreachable", 3),
        ("port-unreachable", 3),
        ("fragmentation-needed", 3),
        ("source-quench", 4),
        ("redirect", 5),
        ("echo-request", 8),
        ("ping", 8),
        ("router-advertisement", 9),
        ("router-solicitation", 10),
        ("time-exceeded", 11),
        ("ttl-exceeded", 11),
        ("parameter-problem", 12),
        ("timestamp-request", 13),
        ("timestamp-reply", 14),
        ("info-request", 15),
        ("info-reply", 16),
        ("address-mask-request", 17),
        ("address-mask-reply", 18),
    ];
    let v6_names: &[(&str, u8)] = &[
        ("destination-unreachable", 1),
        ("no-route", 1),
        ("communication-prohibited", 1),
        ("address-unreachable", 1),
        ("port-unreachable", 1),
        ("packet-too-big", 2),
        ("time-exceeded", 3),
        ("ttl-zero-during-transit", 3),
        ("parameter-problem", 4),
        ("echo-request", 128),
        ("echo-reply", 129),
        ("mld-listener-query", 130),
        ("mld-listener-report", 131),
        ("mld-listener-done", 132),
        ("mld-listener-reduction", 132),
        ("nd-router-solicit", 133),
        ("router-solicitation", 133),
        ("nd-router-advert", 134),
        ("router-advertisement", 134),
        ("nd-neighbor-solicit", 135),
        ("neighbour-solicitation", 135),
        ("neighbor-solicitation", 135),
        ("nd-neighbor-advert", 136),
        ("neighbour-advertisement", 136),
        ("neighbor-advertisement", 136),
        ("nd-redirect", 137),
        ("redirect", 137),
        ("router-renumbering", 138),
        ("ind-neighbor-solicit", 141),
        ("ind-neighbor-advert", 142),
        ("mld2-listener-report", 143),
    ];
    let names = if v6 { v6_names } else { v4_names };
    names.iter().find(|(n, _)| *n == lower).map(|&(_, t)| t)
}

pub use crate::firewall::icmp::{ECHO_REQUEST, v6_counterpart};

/// The ICMP types that keep a network working rather than offer a service, never reported as
/// open but not documented: ICMP echo reply and the error messages (destination unreachable,
/// source quench, time exceeded, parameter problem); for ICMPv6, echo and the types RFC 4890
/// (section 4.4.1) says a host must not drop, which `kbingest firewall --policy drop` accepts:
/// errors, multicast listener discovery, neighbour and router discovery, inverse neighbour
/// discovery, SEND and multicast router discovery.
pub fn infrastructure_icmp(v6: bool) -> Vec<u8> {
    if v6 {
        let mut types: Vec<u8> = crate::firewall::icmp::RFC4890.iter().flat_map(|(_, t)| t.iter().copied()).collect();
        types.extend([128, 129]);
        types.sort_unstable();
        // A type may be in two groups (reports: from link-local addresses, and from `::`).
        types.dedup();
        types
    } else {
        vec![0, 3, 4, 11, 12]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_numbers() {
        assert_eq!(protocol_number("TCP"), Some(6));
        assert_eq!(protocol_number("ipv6-icmp"), Some(58));
        assert_eq!(protocol_number("ICMPv4"), Some(1));
        assert_eq!(protocol_number("47"), Some(47));
        assert_eq!(protocol_number("any"), None);
        assert_eq!(icmp_type("echo-request", false), Some(8));
        assert_eq!(icmp_type("echo-request", true), Some(128));
        assert_eq!(icmp_type("nd-neighbor-solicit", true), Some(135));
        assert_eq!(icmp_type("8/0", false), Some(8));
        assert_eq!(icmp_type("what", false), None);
        assert_eq!(protocol_name(47), "GRE");
        assert_eq!(protocol_name(253), "IP protocol 253");
        let v6 = infrastructure_icmp(true);
        assert_eq!(
            v6,
            [1, 2, 3, 4, 128, 129, 130, 131, 132, 133, 134, 135, 136, 141, 142, 143, 148, 149, 151, 152, 153]
        );
    }
}
