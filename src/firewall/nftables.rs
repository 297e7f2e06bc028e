//! An nftables ruleset for `nft -f`: one `inet` table of its own (IPv4 and IPv6), replaced whole
//! on every load, one chain per hook, one rule per service, transport and kind of port with its
//! ports as a set (and an ICMPv6 twin for ICMP).

use super::address::{Family, Network};
use super::baseline::{self, Base, Hook};
use super::icmp::Rfc4890;
use super::matches::{self, L4, Match, Side};
use super::trace::{one_line, trace, truncate};
use super::{FirewallFormat, Policy, Ruleset};
use std::fmt::Write;

/// nftables refuses a rule comment longer than this many bytes.
pub const COMMENT_MAX: usize = 128;

/// The ruleset as nftables source.
pub fn render(ruleset: &Ruleset) -> String {
    let t = &ruleset.settings.table;
    let mut out = String::from("#!/usr/sbin/nft -f\n");
    let load = format!("Load with `nft -f FILE`: it replaces table inet {t} and leaves other tables alone.");
    for line in super::header::lines(ruleset, FirewallFormat::Nftables, &load) {
        let _ = writeln!(out, "# {line}");
    }
    // Declaring the table first makes the delete succeed on a first load; the three commands
    // are one transaction.
    let _ = write!(out, "table inet {t}\ndelete table inet {t}\ntable inet {t} {{\n");
    for (i, (hook, flows)) in baseline::hooks(&ruleset.settings).into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let policy = match ruleset.settings.policy {
            Policy::Accept => "accept",
            Policy::Drop => "drop",
        };
        let name = hook.name();
        let _ = write!(out, "\tchain {name} {{\n\t\ttype filter hook {name} priority filter; policy {policy};\n");
        for base in baseline::rules(&ruleset.settings, hook) {
            let _ =
                writeln!(out, "\t\t{} accept comment \"{}\"", base_matcher(base, hook), comment_text(&base.comment()));
        }
        for flow in flows {
            for rule in ruleset.rules_of(flow) {
                let full = trace(rule);
                let comment = truncate(&comment_text(&full), COMMENT_MAX);
                if comment != comment_text(&full) {
                    let _ = writeln!(out, "\t\t# {}", one_line(&full));
                }
                for m in matches::of(rule, &ruleset.settings) {
                    let _ = writeln!(out, "\t\t{} accept comment \"{comment}\"", matcher(&m));
                }
            }
        }
        out.push_str("\t}\n");
    }
    out.push_str("}\n");
    out
}

/// The text of an nftables comment string: one line, and no double quote, which nftables
/// strings cannot escape (it becomes a single quote).
pub fn comment_text(text: &str) -> String {
    one_line(text).replace('"', "'")
}

/// What a match matches, e.g. `tcp dport { 53, 1025-5000 }`, `ip daddr 10.0.2.0/24 udp dport 53`
/// or `meta l4proto 47`.
pub fn matcher(m: &Match) -> String {
    let mut words = String::new();
    if let Some((side, networks)) = &m.peer {
        let family = if m.family == Some(Family::V6) { "ip6" } else { "ip" };
        let field = if *side == Side::Destination { "daddr" } else { "saddr" };
        let _ = write!(words, "{family} {field} {} ", network_set(networks));
    } else if m.family == Some(Family::V4) && matches!(m.l4, L4::Protocol(_)) {
        words.push_str("meta nfproto ipv4 ");
    }
    words.push_str(&match &m.l4 {
        L4::Tcp(ranges) => format!("tcp dport {}", port_set(ranges)),
        L4::Udp(ranges) => format!("udp dport {}", port_set(ranges)),
        L4::Icmp(Some(t)) => format!("icmp type {t}"),
        L4::Icmp(None) => "meta l4proto icmp".into(),
        L4::Icmpv6(Some(t)) => format!("icmpv6 type {t}"),
        L4::Icmpv6(None) => "meta l4proto ipv6-icmp".into(),
        L4::Protocol(n) => format!("meta l4proto {n}"),
        L4::AuthHeader6 => "ip6 nexthdr 51".into(),
    });
    words
}

/// What a rule of the policy itself matches.
fn base_matcher(base: Base, hook: Hook) -> String {
    match base {
        Base::Established => "ct state established,related".into(),
        Base::Loopback if hook == Hook::Output => "oif \"lo\"".into(),
        Base::Loopback => "iif \"lo\"".into(),
        Base::Icmpv6(group, types) => {
            let names: Vec<String> = types.iter().map(|t| icmpv6_name(*t)).collect();
            let condition = match group {
                Rfc4890::Errors => "",
                Rfc4890::Discovery => "ip6 hoplimit 255 ",
                Rfc4890::LinkLocal => "ip6 saddr fe80::/10 ",
                Rfc4890::Unspecified => "ip6 saddr :: ip6 hoplimit 1 ",
            };
            format!("{condition}icmpv6 type {{ {} }}", names.join(", "))
        }
        Base::Keep(keep) => {
            let field = if hook == Hook::Output { "sport" } else { "dport" };
            format!("{} {field} {}", if keep.tcp { "tcp" } else { "udp" }, keep.port)
        }
    }
}

/// nftables's name for an ICMPv6 type, or its number where it has none.
fn icmpv6_name(t: u8) -> String {
    let name = match t {
        1 => "destination-unreachable",
        2 => "packet-too-big",
        3 => "time-exceeded",
        4 => "parameter-problem",
        130 => "mld-listener-query",
        131 => "mld-listener-report",
        132 => "mld-listener-done",
        133 => "nd-router-solicit",
        134 => "nd-router-advert",
        135 => "nd-neighbor-solicit",
        136 => "nd-neighbor-advert",
        141 => "ind-neighbor-solicit",
        142 => "ind-neighbor-advert",
        143 => "mld2-listener-report",
        _ => return t.to_string(),
    };
    name.into()
}

fn port_set(ranges: &[(u16, u16)]) -> String {
    let items: Vec<String> =
        ranges.iter().map(|&(l, h)| if l == h { l.to_string() } else { format!("{l}-{h}") }).collect();
    set(items)
}

fn network_set(networks: &[Network]) -> String {
    set(networks.iter().map(ToString::to_string).collect())
}

fn set(items: Vec<String>) -> String {
    match items.as_slice() {
        [one] => one.clone(),
        _ => format!("{{ {} }}", items.join(", ")),
    }
}

#[cfg(test)]
#[path = "nftables_tests.rs"]
mod tests;
