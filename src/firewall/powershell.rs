//! A PowerShell script of NetSecurity cmdlets: one `New-NetFirewallRule` per service and
//! transport in a group of its own (removed first, so that running the script replaces it), and
//! the firewall's own `RPC` keyword for RPC dynamic ports. Every line is one complete command;
//! document text only ever appears inside single quotes.

use super::trace::{label, one_line, trace};
use super::{FirewallRule, Flow, Policy, Protocol, Ruleset};
use std::fmt::Write;

/// The characters PowerShell reads as a single quote: the ASCII one and four typographic ones.
const SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// The ruleset as a PowerShell script.
pub fn render(ruleset: &Ruleset) -> String {
    let group = quote(&ruleset.table);
    let load = format!("Run in an elevated PowerShell: it replaces the firewall rules of group {group}.");
    let mut out = String::new();
    for line in ruleset.header(&load) {
        let _ = writeln!(out, "# {line}");
    }
    if ruleset.allow_loopback {
        out.push_str("# --allow-loopback: Windows Firewall never filters loopback traffic, so nothing is needed.\n");
    }
    let _ = writeln!(out, "Remove-NetFirewallRule -Group {group} -ErrorAction SilentlyContinue");
    if ruleset.policy == Policy::Drop {
        // Windows Firewall is stateful: replies to allowed and outgoing connections pass.
        for flow in ruleset.flows() {
            let which = match flow {
                Flow::Inbound => "Inbound",
                Flow::Outbound => "Outbound",
            };
            let _ =
                writeln!(out, "Set-NetFirewallProfile -Profile Domain, Private, Public -Default{which}Action Block");
        }
    }
    for rule in &ruleset.rules {
        for command in commands(rule, &group) {
            let _ = writeln!(out, "{command}");
        }
    }
    out
}

/// `text` as a PowerShell single-quoted string: one line, every kind of single quote doubled,
/// so that nothing in it is interpolated or ends the string.
pub fn quote(text: &str) -> String {
    let mut quoted = String::from("'");
    for c in one_line(text).chars() {
        quoted.push(c);
        if SINGLE_QUOTES.contains(&c) {
            quoted.push(c);
        }
    }
    quoted.push('\'');
    quoted
}

/// The commands for one rule: one for its ports, and one with `-LocalPort RPC` for an inbound
/// TCP rule's dynamic (RPC) ranges.
pub fn commands(rule: &FirewallRule, group: &str) -> Vec<String> {
    let (direction, port_parameter) = match rule.flow {
        Flow::Inbound => ("Inbound", "-LocalPort"),
        Flow::Outbound => ("Outbound", "-RemotePort"),
    };
    let command = |name: &str, matches: &str, description: &str| {
        format!(
            "New-NetFirewallRule -DisplayName {} -Group {group} -Direction {direction} -Action Allow -Protocol {}{matches} \
             -Description {}",
            quote(name),
            protocol(rule.protocol),
            quote(description)
        )
    };
    let rpc = rule.flow == Flow::Inbound && rule.protocol == Protocol::Tcp && rule.spans.iter().any(|s| s.dynamic);
    let mut commands = Vec::new();
    match rule.protocol {
        Protocol::Tcp | Protocol::Udp => {
            let (ranges, lines) = if rpc {
                (rule.ranges(Some(false)), rule.lines_of(false))
            } else {
                (rule.ranges(None), rule.lines.clone())
            };
            if !ranges.is_empty() {
                let matches = format!(" {port_parameter} {}", ports(&ranges));
                commands.push(command(&label(rule), &matches, &trace(rule, &lines)));
            }
            if rpc {
                let held: Vec<String> = rule.ranges(Some(true)).iter().map(|&(l, h)| format!("{l}-{h}")).collect();
                let description = format!(
                    "{}; RPC dynamic ports, {} in the database",
                    trace(rule, &rule.lines_of(true)),
                    held.join(", ")
                );
                commands.push(command(&format!("{} RPC dynamic ports", label(rule)), " -LocalPort RPC", &description));
            }
        }
        Protocol::Icmp(Some(t)) => {
            commands.push(command(&label(rule), &format!(" -IcmpType {t}"), &trace(rule, &rule.lines)))
        }
        Protocol::Icmp(None) | Protocol::Other(_) => {
            commands.push(command(&label(rule), "", &trace(rule, &rule.lines)))
        }
    }
    commands
}

fn protocol(protocol: Protocol) -> String {
    match protocol {
        Protocol::Tcp => "TCP".into(),
        Protocol::Udp => "UDP".into(),
        Protocol::Icmp(_) => "ICMPv4".into(),
        Protocol::Other(n) => n.to_string(),
    }
}

/// A port list: `53, 88, '1025-5000'` (ranges quoted, since they are strings).
fn ports(ranges: &[(u16, u16)]) -> String {
    let items: Vec<String> =
        ranges.iter().map(|&(l, h)| if l == h { l.to_string() } else { format!("'{l}-{h}'") }).collect();
    items.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firewall::sample::ruleset;

    #[test]
    fn quotes_double_every_kind_of_single_quote_and_nothing_else() {
        assert_eq!(quote("it's $(x) \"y\""), "'it''s $(x) \"y\"'");
        assert_eq!(quote("a\u{2019}b\u{2018}\nc"), "'a\u{2019}\u{2019}b\u{2018}\u{2018} c'");
    }

    #[test]
    fn rpc_dynamic_ranges_get_the_rpc_keyword_and_fixed_ports_a_list() {
        let text = render(&ruleset(Policy::Accept, false));
        let lsa: Vec<&str> = text.lines().filter(|l| l.contains("(LSASS)")).collect();
        assert_eq!(lsa.len(), 2);
        assert!(lsa[0].contains(" -LocalPort 135, 20000, 20002,"), "{}", lsa[0]);
        assert!(!lsa[0].contains("1025"), "{}", lsa[0]);
        assert!(lsa[1].contains(" TCP RPC dynamic ports' "), "{}", lsa[1]);
        assert!(lsa[1].ends_with(" -LocalPort RPC -Description 'Local Security Authority (LSASS) TCP: kb.txt line 371; RPC dynamic ports, 1025-5000 in the database'"), "{}", lsa[1]);
        assert!(text.contains(
            "New-NetFirewallRule -DisplayName 'Routing and Remote Access (RemoteAccess) GRE' -Group 'kbingest' -Direction Inbound -Action Allow -Protocol 47 -Description 'Routing and Remote Access (RemoteAccess) GRE: kb.txt line 650'\n"
        ));
        assert!(text.contains("-Protocol ICMPv4 -IcmpType 8 -Description 'Routing and Remote Access (RemoteAccess) ICMP: kb.txt line 660'\n"));
    }

    #[test]
    fn outbound_rules_name_remote_ports_and_never_the_rpc_keyword() {
        let mut rule =
            ruleset(Policy::Accept, false).rules.into_iter().find(|r| r.spans.iter().any(|s| s.dynamic)).unwrap();
        rule.flow = Flow::Outbound;
        let commands = commands(&rule, "'kbingest'");
        assert_eq!(commands.len(), 1);
        assert!(commands[0].contains(" -Direction Outbound "), "{}", commands[0]);
        assert!(commands[0].contains(" -RemotePort 135, '1025-5000', 20000,"), "{}", commands[0]);
        assert!(!commands[0].contains("RPC"), "{}", commands[0]);
    }

    #[test]
    fn drop_policy_blocks_by_default() {
        let text = render(&ruleset(Policy::Drop, false));
        assert!(text.contains("\nRemove-NetFirewallRule -Group 'kbingest' -ErrorAction SilentlyContinue\nSet-NetFirewallProfile -Profile Domain, Private, Public -DefaultInboundAction Block\n"));
        assert!(!render(&ruleset(Policy::Accept, false)).contains("Set-NetFirewallProfile"));
    }
}
