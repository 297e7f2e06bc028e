//! An nftables ruleset for `nft -f`: one `inet` table of its own, replaced whole on every load,
//! one chain per direction, one rule per service and transport with its ports as a set.

use super::trace::{one_line, trace, truncate};
use super::{FirewallRule, Flow, Policy, Protocol, Ruleset};
use std::fmt::Write;

/// nftables refuses a rule comment longer than this many bytes.
pub const COMMENT_MAX: usize = 128;

/// The ruleset as nftables source.
pub fn render(ruleset: &Ruleset) -> String {
    let t = &ruleset.table;
    let mut out = String::from("#!/usr/sbin/nft -f\n");
    let load = format!("Load with `nft -f FILE`: it replaces table inet {t} and leaves other tables alone.");
    for line in ruleset.header(&load) {
        let _ = writeln!(out, "# {line}");
    }
    // Declaring the table first makes the delete succeed on a first load; the three commands
    // are one transaction.
    let _ = write!(out, "table inet {t}\ndelete table inet {t}\ntable inet {t} {{\n");
    for (i, flow) in ruleset.flows().into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        chain(&mut out, ruleset, flow);
    }
    out.push_str("}\n");
    out
}

fn chain(out: &mut String, ruleset: &Ruleset, flow: Flow) {
    let (name, interface) = match flow {
        Flow::Inbound => ("input", "iif"),
        Flow::Outbound => ("output", "oif"),
    };
    let policy = match ruleset.policy {
        Policy::Accept => "accept",
        Policy::Drop => "drop",
    };
    let _ = write!(out, "\tchain {name} {{\n\t\ttype filter hook {name} priority filter; policy {policy};\n");
    if ruleset.policy == Policy::Drop {
        out.push_str("\t\tct state established,related accept comment \"kbingest: replies and related traffic\"\n");
        // Without neighbour discovery IPv6 stops working; the host solicits routers, they advertise.
        let router = match flow {
            Flow::Inbound => "nd-router-advert",
            Flow::Outbound => "nd-router-solicit",
        };
        let _ = writeln!(
            out,
            "\t\ticmpv6 type {{ nd-neighbor-solicit, nd-neighbor-advert, {router} }} accept comment \
             \"kbingest: IPv6 neighbour discovery, without which IPv6 stops\""
        );
    }
    if ruleset.allow_loopback {
        let _ = writeln!(out, "\t\t{interface} \"lo\" accept comment \"kbingest: loopback (--allow-loopback)\"");
    }
    for rule in ruleset.rules_of(flow) {
        let full = trace(rule, &rule.lines);
        let comment = truncate(&comment_text(&full), COMMENT_MAX);
        if comment != comment_text(&full) {
            let _ = writeln!(out, "\t\t# {}", one_line(&full));
        }
        let _ = writeln!(out, "\t\t{} accept comment \"{comment}\"", matcher(rule));
    }
    out.push_str("\t}\n");
}

/// The text of an nftables comment string: one line, and no double quote, which nftables
/// strings cannot escape (it becomes a single quote).
pub fn comment_text(text: &str) -> String {
    one_line(text).replace('"', "'")
}

/// What a rule matches, e.g. `tcp dport { 53, 1025-5000 }` or `meta l4proto 47`.
pub fn matcher(rule: &FirewallRule) -> String {
    match rule.protocol {
        Protocol::Tcp => format!("tcp dport {}", port_set(&rule.ranges(None))),
        Protocol::Udp => format!("udp dport {}", port_set(&rule.ranges(None))),
        Protocol::Icmp(Some(t)) => format!("icmp type {t}"),
        Protocol::Icmp(None) => "meta l4proto icmp".into(),
        Protocol::Other(n) => format!("meta l4proto {n}"),
    }
}

fn port_set(ranges: &[(u16, u16)]) -> String {
    let items: Vec<String> =
        ranges.iter().map(|&(l, h)| if l == h { l.to_string() } else { format!("{l}-{h}") }).collect();
    match items.as_slice() {
        [one] => one.clone(),
        _ => format!("{{ {} }}", items.join(", ")),
    }
}

#[cfg(test)]
#[path = "nftables_tests.rs"]
mod tests;
