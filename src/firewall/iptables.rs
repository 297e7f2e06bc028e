//! An iptables-restore (IPv4) or ip6tables-restore (IPv6) file for `--noflush`: chains of
//! their own (emptied and refilled on every load), each jumped to from the end of its built-in
//! chain, so that rules already there come first and stay effective; under `--policy drop` the
//! built-in chain's policy drops what no rule accepts. One rule per service, transport and kind
//! of port, ports in `multiport` lists of at most 15 (a range counts two), split beyond.

use super::address::Family;
use super::baseline::{self, Base, Hook};
use super::icmp::Rfc4890;
use super::matches::{self, L4, Match, Side};
use super::trace::{one_line, trace, truncate};
use super::{FirewallFormat, FirewallRule, Policy, Ruleset};
use std::fmt::Write;

/// The `comment` match holds at most this many bytes (256 with the terminating zero).
pub const COMMENT_MAX: usize = 255;

/// What one `multiport` match can hold, a range counting as two.
pub const MULTIPORT_MAX: usize = 15;

/// The ruleset as an iptables-restore file (`family` IPv4) or ip6tables-restore file (IPv6).
pub fn render(ruleset: &Ruleset, family: Family) -> String {
    let (command, format) = match family {
        Family::V4 => ("iptables", FirewallFormat::Iptables),
        Family::V6 => ("ip6tables", FirewallFormat::Ip6tables),
    };
    let table = &ruleset.settings.table;
    let chains: Vec<(Hook, Vec<super::Flow>, String, &str)> = baseline::hooks(&ruleset.settings)
        .into_iter()
        .map(|(hook, flows)| match hook {
            Hook::Input => (hook, flows, table.clone(), "INPUT"),
            Hook::Output => (hook, flows, format!("{table}_OUT"), "OUTPUT"),
            Hook::Forward => (hook, flows, format!("{table}_FWD"), "FORWARD"),
        })
        .collect();
    let delete: Vec<String> =
        chains.iter().map(|(_, _, c, builtin)| format!("{command} -D {builtin} -j {c} 2>/dev/null;")).collect();
    let builtins: Vec<&str> = chains.iter().map(|c| c.3).collect();
    let mut load = format!(
        "Load with `{} {command}-restore --noflush FILE`: the chain is emptied and refilled, and the jump to it is \
         appended to {}, after the rules already there, which stay effective (one there that drops everything would \
         hide these).",
        delete.join(" "),
        builtins.join(" and ")
    );
    if ruleset.settings.policy == Policy::Drop {
        let undo: Vec<String> = builtins.iter().map(|b| format!("{command} -P {b} ACCEPT")).collect();
        let _ = write!(
            load,
            " It sets the policy of {} to DROP: what no rule accepts is dropped; undo with `{}` and the deletes above.",
            builtins.join(" and "),
            undo.join("; ")
        );
    }
    let mut out = String::new();
    for line in super::header::lines(ruleset, format, &load) {
        let _ = writeln!(out, "# {line}");
    }
    out.push_str("*filter\n");
    if ruleset.settings.policy == Policy::Drop {
        for builtin in &builtins {
            let _ = writeln!(out, ":{builtin} DROP [0:0]");
        }
    }
    for (_, _, chain, _) in &chains {
        let _ = writeln!(out, ":{chain} - [0:0]");
    }
    for (hook, flows, chain, _) in &chains {
        for base in baseline::rules(&ruleset.settings, *hook) {
            for matcher in base_matchers(base, *hook, family) {
                let _ = writeln!(out, "-A {chain} {matcher} -m comment --comment {} -j ACCEPT", quote(&base.comment()));
            }
        }
        for flow in flows {
            for rule in ruleset.rules_of(*flow) {
                let full = trace(rule);
                let comment = quote(&full);
                let matchers = rule_matchers(rule, ruleset, family);
                if family == Family::V6 && matchers.is_empty() && super::icmp::ipv4_only(rule.protocol).is_some() {
                    // Said where an IPv6 rule would be, so that a reader of this file alone sees it.
                    let _ = writeln!(out, "# {} (in the iptables file)", one_line(&full));
                    continue;
                }
                if truncate(&one_line(&full), COMMENT_MAX) != one_line(&full) {
                    // Cut to the comment's limit: the whole trace on a comment line above.
                    let _ = writeln!(out, "# {}", one_line(&full));
                }
                for matcher in matchers {
                    let _ = writeln!(out, "-A {chain} {matcher} -m comment --comment {comment} -j ACCEPT");
                }
            }
        }
    }
    for (_, _, chain, builtin) in &chains {
        let _ = writeln!(out, "-A {builtin} -j {chain}");
    }
    out.push_str("COMMIT\n");
    out
}

/// The matches of the policy's own rule in one family: none for ICMPv6 in IPv4, one per type.
fn base_matchers(base: Base, hook: Hook, family: Family) -> Vec<String> {
    match base {
        Base::Established => vec!["-m conntrack --ctstate RELATED,ESTABLISHED".into()],
        Base::Loopback => vec![if hook == Hook::Output { "-o lo" } else { "-i lo" }.into()],
        Base::Icmpv6(..) if family == Family::V4 => Vec::new(),
        Base::Icmpv6(group, types) => {
            let condition = match group {
                Rfc4890::Errors => "",
                Rfc4890::Discovery => " -m hl --hl-eq 255",
                Rfc4890::LinkLocal => "-s fe80::/10 ",
                Rfc4890::Unspecified => "-s ::/128 ",
            };
            types
                .iter()
                .map(|t| match group {
                    Rfc4890::LinkLocal => format!("{condition}-p ipv6-icmp --icmpv6-type {t}"),
                    Rfc4890::Unspecified => format!("{condition}-p ipv6-icmp --icmpv6-type {t} -m hl --hl-eq 1"),
                    _ => format!("-p ipv6-icmp --icmpv6-type {t}{condition}"),
                })
                .collect()
        }
        Base::Keep(keep) => {
            let field = if hook == Hook::Output { "--sport" } else { "--dport" };
            vec![format!("-p {p} {field} {}", keep.port, p = if keep.tcp { "tcp" } else { "udp" })]
        }
    }
}

/// The matches of a rule in one family, more than one where its ports overflow one multiport list.
pub fn rule_matchers(rule: &FirewallRule, ruleset: &Ruleset, family: Family) -> Vec<String> {
    matches::of(rule, &ruleset.settings)
        .into_iter()
        .filter(|m| m.family.is_none_or(|f| f == family))
        .flat_map(|m| matchers(&m))
        .collect()
}

/// The iptables words of one match.
fn matchers(m: &Match) -> Vec<String> {
    let peer = match &m.peer {
        Some((side, networks)) => {
            let list: Vec<String> = networks.iter().map(ToString::to_string).collect();
            format!("{} {} ", if *side == Side::Destination { "-d" } else { "-s" }, list.join(","))
        }
        None => String::new(),
    };
    let (p, ranges) = match &m.l4 {
        L4::Tcp(ranges) => ("tcp", ranges),
        L4::Udp(ranges) => ("udp", ranges),
        L4::Icmp(Some(t)) => return vec![format!("{peer}-p icmp --icmp-type {t}")],
        L4::Icmp(None) => return vec![format!("{peer}-p icmp")],
        L4::Icmpv6(Some(t)) => return vec![format!("{peer}-p ipv6-icmp --icmpv6-type {t}")],
        L4::Icmpv6(None) => return vec![format!("{peer}-p ipv6-icmp")],
        L4::Protocol(n) => return vec![format!("{peer}-p {n}")],
        L4::AuthHeader6 => return vec![format!("{peer}-m ah")],
    };
    port_lists(ranges)
        .into_iter()
        .map(|list| match list.as_slice() {
            [one] => format!("{peer}-p {p} --dport {one}"),
            _ => format!("{peer}-p {p} -m multiport --dports {}", list.join(",")),
        })
        .collect()
}

/// `text` as one iptables-restore argument: one line, cut to the comment limit, in double
/// quotes with `"` and `\` escaped by a backslash (as iptables-save writes them).
pub fn quote(text: &str) -> String {
    let text = truncate(&one_line(text), COMMENT_MAX);
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
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
    use crate::firewall::sample;

    fn ruleset(policy: Policy) -> Ruleset {
        let mut set = sample::ruleset(policy);
        set.settings.table = "KBINGEST".into();
        set
    }

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

    fn lines(text: &str) -> Vec<&str> {
        text.lines().filter(|l| !l.starts_with('#')).collect()
    }

    #[test]
    fn the_jump_is_appended_and_drop_is_the_chain_policy() {
        let text = render(&ruleset(Policy::Drop), Family::V4);
        let lines = lines(&text);
        assert_eq!(
            lines[..5],
            [
                "*filter",
                ":INPUT DROP [0:0]",
                ":KBINGEST - [0:0]",
                "-A KBINGEST -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment \"kbingest: replies and related traffic\" -j ACCEPT",
                "-A KBINGEST -i lo -m comment --comment \"kbingest: loopback (--drop-loopback drops it)\" -j ACCEPT",
            ]
        );
        assert_eq!(
            lines[5],
            "-A KBINGEST -p tcp --dport 53 -m comment --comment \"DNS Server (DNS) TCP: kb.txt line 165\" -j ACCEPT"
        );
        assert!(lines[7].starts_with("-A KBINGEST -p tcp -m multiport --dports 135,3268,20000,"), "{}", lines[7]);
        assert!(lines[8].starts_with("-A KBINGEST -p tcp -m multiport --dports 20026,"), "{}", lines[8]);
        assert!(lines[9].starts_with(
            "-A KBINGEST -p tcp --dport 1025:5000 -m comment --comment \"Local Security Authority (LSASS) TCP dynamic:"
        ));
        assert_eq!(
            lines[10],
            "-A KBINGEST -p icmp --icmp-type 8 -m comment --comment \"Routing and Remote Access (RemoteAccess) ICMP: kb.txt line 660\" -j ACCEPT"
        );
        assert!(lines[11].starts_with("-A KBINGEST -p 47 -m comment"));
        assert!(!text.contains("ipv6-icmp"), "an IPv4 file");
        let n = lines.len();
        assert_eq!(lines[n - 2..], ["-A INPUT -j KBINGEST", "COMMIT"]);
        assert!(!text.contains("-j DROP"), "the policy drops, after every rule of INPUT");
        assert!(text.contains("\n# IPv4 only: IPv6 needs the ip6tables file"));
        assert!(text.contains("undo with `iptables -P INPUT ACCEPT`"));
        let accept = render(&ruleset(Policy::Accept), Family::V4);
        assert!(!accept.contains(":INPUT") && !accept.contains("-i lo") && !accept.contains("conntrack"));
    }

    #[test]
    fn the_ip6tables_file_has_what_ipv6_needs_and_icmpv6() {
        let text = render(&ruleset(Policy::Drop), Family::V6);
        assert!(text.contains("\n-A KBINGEST -p ipv6-icmp --icmpv6-type 135 -m hl --hl-eq 255 -m comment"));
        assert!(text.contains("\n-A KBINGEST -p ipv6-icmp --icmpv6-type 2 -m comment"));
        assert!(text.contains("\n-A KBINGEST -s fe80::/10 -p ipv6-icmp --icmpv6-type 130 -m comment"));
        assert!(text.contains("\n-A KBINGEST -p ipv6-icmp --icmpv6-type 128 -m comment --comment \"Routing and Remote Access (RemoteAccess) ICMP: kb.txt line 660\" -j ACCEPT\n"));
        assert!(!text.contains("-p icmp "));
        assert!(text.contains("\n# IPv6 only: IPv4 needs the iptables file"));
        assert!(
            text.contains("Load with `ip6tables -D INPUT -j KBINGEST 2>/dev/null; ip6tables-restore --noflush FILE`")
        );
    }

    #[test]
    fn comments_are_one_quoted_argument_within_the_limit() {
        let quoted = quote("a \"b\" \\ c\nd");
        assert_eq!(quoted, "\"a \\\"b\\\" \\\\ c d\"");
        let long = quote(&"é".repeat(200));
        assert!(long.len() - 2 <= COMMENT_MAX);
        let text = render(&ruleset(Policy::Accept), Family::V4);
        let hostile = text.lines().find(|l| l.contains("Remove-Item") && l.starts_with("-A ")).unwrap();
        assert!(hostile.starts_with("-A KBINGEST -p tcp --dport 4444 -m comment --comment \"'; Remove-Item"));
        assert!(hostile.ends_with("...\" -j ACCEPT"), "cut to the limit: {hostile}");
        assert!(hostile.contains("<U+202E>exe.txt"), "{hostile}");
        let full = text.lines().find(|l| l.starts_with("# '; Remove-Item")).expect("the whole trace above");
        assert!(full.ends_with(": kb.txt line 900"), "{full}");
        assert!(!text.chars().any(|c| (c.is_control() && c != '\n') || c == '\u{202E}'));
    }
}
