//! An iptables-restore file for `iptables-restore --noflush`: a chain of its own (emptied and
//! refilled on every load) jumped to from INPUT, one rule per service and transport, ports in
//! `multiport` lists of at most 15 (a range counts two), split beyond.

use super::trace::{one_line, trace, truncate};
use super::{FirewallRule, Flow, Policy, Protocol, Ruleset};
use std::fmt::Write;

/// The `comment` match holds at most this many bytes (256 with the terminating zero).
pub const COMMENT_MAX: usize = 255;

/// What one `multiport` match can hold, a range counting as two.
pub const MULTIPORT_MAX: usize = 15;

/// The ruleset as an iptables-restore file.
pub fn render(ruleset: &Ruleset) -> String {
    let chains: Vec<(Flow, String, &str, &str)> = ruleset
        .flows()
        .into_iter()
        .map(|flow| match flow {
            Flow::Inbound => (flow, ruleset.table.clone(), "INPUT", "-i"),
            Flow::Outbound => (flow, format!("{}_OUT", ruleset.table), "OUTPUT", "-o"),
        })
        .collect();
    let delete: Vec<String> =
        chains.iter().map(|(_, c, hook, _)| format!("iptables -D {hook} -j {c} 2>/dev/null;")).collect();
    let load = format!(
        "Load with `{} iptables-restore --noflush FILE`: the chain is emptied and refilled, other rules are left alone.",
        delete.join(" ")
    );
    let mut out = String::new();
    for line in ruleset.header(&load) {
        let _ = writeln!(out, "# {line}");
    }
    out.push_str("*filter\n");
    for (_, chain, _, _) in &chains {
        let _ = writeln!(out, ":{chain} - [0:0]");
    }
    for (flow, chain, hook, interface) in &chains {
        if ruleset.policy == Policy::Drop {
            let _ = writeln!(
                out,
                "-A {chain} -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment \"kbingest: replies and related traffic\" -j ACCEPT"
            );
        }
        if ruleset.allow_loopback {
            let _ = writeln!(
                out,
                "-A {chain} {interface} lo -m comment --comment \"kbingest: loopback (--allow-loopback)\" -j ACCEPT"
            );
        }
        for rule in ruleset.rules_of(*flow) {
            let comment = quote(&trace(rule, &rule.lines));
            for matcher in matchers(rule) {
                let _ = writeln!(out, "-A {chain} {matcher} -m comment --comment {comment} -j ACCEPT");
            }
        }
        if ruleset.policy == Policy::Drop {
            let _ = writeln!(out, "-A {chain} -m comment --comment \"kbingest: everything else\" -j DROP");
        }
        let _ = writeln!(out, "-I {hook} 1 -j {chain}");
    }
    out.push_str("COMMIT\n");
    out
}

/// `text` as one iptables-restore argument: one line, cut to the comment limit, in double
/// quotes with `"` and `\` escaped by a backslash (as iptables-save writes them).
pub fn quote(text: &str) -> String {
    let text = truncate(&one_line(text), COMMENT_MAX);
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The matches of a rule, more than one where its ports overflow one multiport list.
pub fn matchers(rule: &FirewallRule) -> Vec<String> {
    let p = match rule.protocol {
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
        Protocol::Icmp(Some(t)) => return vec![format!("-p icmp --icmp-type {t}")],
        Protocol::Icmp(None) => return vec!["-p icmp".into()],
        Protocol::Other(n) => return vec![format!("-p {n}")],
    };
    port_lists(&rule.ranges(None))
        .into_iter()
        .map(|list| match list.as_slice() {
            [one] => format!("-p {p} --dport {one}"),
            _ => format!("-p {p} -m multiport --dports {}", list.join(",")),
        })
        .collect()
}

/// Ports (`53`, `1025:5000`) in lists that each fit one multiport match.
fn port_lists(ranges: &[(u16, u16)]) -> Vec<Vec<String>> {
    let mut lists: Vec<Vec<String>> = Vec::new();
    let mut weight = MULTIPORT_MAX;
    for &(low, high) in ranges {
        let (item, cost) = if low == high { (low.to_string(), 1) } else { (format!("{low}:{high}"), 2) };
        if weight + cost > MULTIPORT_MAX {
            lists.push(Vec::new());
            weight = 0;
        }
        if let Some(list) = lists.last_mut() {
            list.push(item);
        }
        weight += cost;
    }
    lists
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firewall::sample::ruleset;

    #[test]
    fn multiport_lists_hold_at_most_fifteen_ports_a_range_counting_two() {
        let ranges: Vec<(u16, u16)> =
            std::iter::once((1025, 5000)).chain((0..16).map(|i| (6000 + 2 * i, 6000 + 2 * i))).collect();
        let lists = port_lists(&ranges);
        assert_eq!(lists.len(), 2);
        assert_eq!(lists[0].len(), 14, "the range and 13 ports weigh 15");
        assert_eq!(lists[0][0], "1025:5000");
        assert_eq!(lists[1].len(), 3);
        assert_eq!(port_lists(&[(53, 53)]), vec![vec!["53".to_string()]]);
    }

    #[test]
    fn rules_chain_jump_and_policy() {
        let text = render(&ruleset(Policy::Drop, true));
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            lines[..3],
            [
                "*filter",
                ":kbingest - [0:0]",
                "-A kbingest -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment \"kbingest: replies and related traffic\" -j ACCEPT"
            ]
        );
        assert_eq!(
            lines[3],
            "-A kbingest -i lo -m comment --comment \"kbingest: loopback (--allow-loopback)\" -j ACCEPT"
        );
        assert_eq!(
            lines[4],
            "-A kbingest -p tcp --dport 53 -m comment --comment \"DNS Server (DNS) TCP: kb.txt line 165\" -j ACCEPT"
        );
        assert!(lines[6].starts_with("-A kbingest -p tcp -m multiport --dports 135,1025:5000,20000,"), "{}", lines[6]);
        assert!(lines[7].starts_with("-A kbingest -p tcp -m multiport --dports 20024,"), "{}", lines[7]);
        assert_eq!(
            lines[8],
            "-A kbingest -p icmp --icmp-type 8 -m comment --comment \"Routing and Remote Access (RemoteAccess) ICMP: kb.txt line 660\" -j ACCEPT"
        );
        assert!(lines[9].starts_with("-A kbingest -p 47 -m comment"));
        let n = lines.len();
        assert_eq!(
            lines[n - 3..],
            [
                "-A kbingest -m comment --comment \"kbingest: everything else\" -j DROP",
                "-I INPUT 1 -j kbingest",
                "COMMIT"
            ]
        );
    }

    #[test]
    fn comments_are_one_quoted_argument_within_the_limit() {
        let quoted = quote("a \"b\" \\ c\nd");
        assert_eq!(quoted, "\"a \\\"b\\\" \\\\ c d\"");
        let long = quote(&"é".repeat(200));
        assert!(long.len() - 2 <= COMMENT_MAX);
        let text = render(&ruleset(Policy::Accept, false));
        let hostile = text.lines().find(|l| l.contains("Remove-Item")).unwrap();
        assert!(hostile.starts_with("-A kbingest -p tcp --dport 4444 -m comment --comment \"'; Remove-Item"));
        assert!(hostile.ends_with(": kb.txt line 900\" -j ACCEPT"), "{hostile}");
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
    }
}
