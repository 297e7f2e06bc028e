//! A PowerShell script of NetSecurity cmdlets: one `New-NetFirewallRule` per service, transport
//! and kind of port in a group of its own (removed first, so that running the script replaces
//! it). RPC's dynamic ports get the firewall's `RPC` keyword, scoped to the service; other dynamic
//! ranges (FTP's passive data ports) are written out. Every line is one complete command;
//! document text only ever appears inside single quotes.

use super::trace::{label, one_line, trace};
use super::{Direction, FirewallFormat, FirewallRule, Flow, Policy, Protocol, Ruleset, icmp};
use std::fmt::Write;

/// The characters PowerShell reads as a single quote: the ASCII one and four typographic ones.
const SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// The ruleset as a PowerShell script.
pub fn render(ruleset: &Ruleset) -> String {
    let settings = &ruleset.settings;
    let group = quote(&settings.table);
    let load = format!("Run in an elevated PowerShell: it replaces the firewall rules of group {group}.");
    let mut out = String::new();
    for line in super::header::lines(ruleset, FirewallFormat::Powershell, &load) {
        let _ = writeln!(out, "# {line}");
    }
    if settings.policy == Policy::Drop && !settings.loopback {
        out.push_str("# --drop-loopback: Windows Firewall never filters loopback traffic, so it stays open.\n");
    }
    let _ = writeln!(out, "Remove-NetFirewallRule -Group {group} -ErrorAction SilentlyContinue");
    if settings.policy == Policy::Drop {
        // Windows Firewall is stateful: replies to allowed and outgoing connections pass. A
        // profile that is off blocks nothing, so each one is turned on.
        let outbound = match settings.direction {
            Direction::Inbound => "",
            Direction::Outbound | Direction::Both => " -DefaultOutboundAction Block",
        };
        let _ = writeln!(
            out,
            "Set-NetFirewallProfile -Profile Domain, Private, Public -Enabled True -DefaultInboundAction Block{outbound}"
        );
    }
    for keep in &settings.keep {
        let protocol = if keep.tcp { "TCP" } else { "UDP" };
        let name = format!("kbingest: --keep-port {}", keep.name());
        let _ = writeln!(
            out,
            "New-NetFirewallRule -DisplayName {} -Group {group} -Direction Inbound -Action Allow -Protocol {protocol} \
             -LocalPort {} -Description {}",
            quote(&name),
            keep.port,
            quote(&format!("{name}, the user's choice, not a document's"))
        );
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

/// The commands for one rule: one, or two for ICMP (ICMPv4 and ICMPv6).
pub fn commands(rule: &FirewallRule, group: &str) -> Vec<String> {
    let (direction, port_parameter) = match rule.flow {
        Flow::Inbound => ("Inbound", "-LocalPort"),
        Flow::Outbound => ("Outbound", "-RemotePort"),
    };
    let command = |name: &str, protocol: &str, matches: &str, description: &str| {
        format!(
            "New-NetFirewallRule -DisplayName {} -Group {group} -Direction {direction} -Action Allow -Protocol \
             {protocol}{matches} -Description {}",
            quote(name),
            quote(description)
        )
    };
    let (name, description) = (label(rule), trace(rule));
    match rule.protocol {
        Protocol::Tcp | Protocol::Udp if rule.rpc && rule.flow == Flow::Inbound => {
            let held: Vec<String> = rule.ranges().iter().map(|&(l, h)| format!("{l}-{h}")).collect();
            let description = format!(
                "{description}; the firewall's RPC keyword: the ports the RPC runtime gave the service, whatever the \
                 server's range (the rule's ranges: {})",
                held.join(", ")
            );
            vec![command(&name, &protocol(rule.protocol), &format!(" -LocalPort RPC{}", scope(rule)), &description)]
        }
        Protocol::Tcp | Protocol::Udp => {
            let matches = format!(" {port_parameter} {}", ports(&rule.ranges()));
            vec![command(&name, &protocol(rule.protocol), &matches, &description)]
        }
        Protocol::Icmp(t) => {
            let v4 = t.map(|t| format!(" -IcmpType {t}")).unwrap_or_default();
            let mut commands = vec![command(&name, "ICMPv4", &v4, &description)];
            let v6 = match t {
                None => Some(String::new()),
                Some(t) => icmp::v6_counterpart(t).map(|t6| format!(" -IcmpType {t6}")),
            };
            if let Some(v6) = v6 {
                commands.push(command(&format!("{name} (ICMPv6)"), "ICMPv6", &v6, &description));
            }
            commands
        }
        Protocol::Other(_) => vec![command(&name, &protocol(rule.protocol), "", &description)],
    }
}

/// What an RPC rule is limited to: the service by its name where the document gives one that can
/// be a Windows service name, or LSASS's program, which is a process, not a service.
fn scope(rule: &FirewallRule) -> String {
    match rule.system_service_name.as_deref() {
        Some(name) if name.eq_ignore_ascii_case("LSASS") => " -Program '%SystemRoot%\\System32\\lsass.exe'".into(),
        Some(name) if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)) => {
            format!(" -Service {}", quote(name))
        }
        _ => String::new(),
    }
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
    use crate::firewall::sample::{self, ruleset};
    use crate::firewall::{Request, Settings, build};

    #[test]
    fn quotes_double_every_kind_of_single_quote_and_nothing_else() {
        assert_eq!(quote("it's $(x) \"y\""), "'it''s $(x) \"y\"'");
        assert_eq!(quote("a\u{2019}b\u{2018}\nc"), "'a\u{2019}\u{2019}b\u{2018}\u{2018} c'");
        assert_eq!(quote("x\u{202E}y"), "'x<U+202E>y'");
    }

    #[test]
    fn rpc_dynamic_ports_get_the_rpc_keyword_scoped_to_the_service() {
        let text = render(&ruleset(Policy::Accept));
        let lsa: Vec<&str> = text.lines().filter(|l| l.contains("(LSASS)")).collect();
        assert_eq!(lsa.len(), 2);
        assert!(lsa[0].contains(" -LocalPort 135, 3268, 20000, 20002,"), "{}", lsa[0]);
        assert!(!lsa[0].contains("1025"), "{}", lsa[0]);
        assert!(
            lsa[1].starts_with("New-NetFirewallRule -DisplayName 'Local Security Authority (LSASS) TCP dynamic' "),
            "{}",
            lsa[1]
        );
        assert!(lsa[1].contains(" -LocalPort RPC -Program '%SystemRoot%\\System32\\lsass.exe' -Description 'Local Security Authority (LSASS) TCP dynamic: kb.txt line 371; RANDOM, 1025-5000 as the database holds it; the firewall''s RPC keyword"), "{}", lsa[1]);
        assert!(text.contains(
            "New-NetFirewallRule -DisplayName 'Routing and Remote Access (RemoteAccess) GRE' -Group 'kbingest' -Direction Inbound -Action Allow -Protocol 47 -Description 'Routing and Remote Access (RemoteAccess) GRE: kb.txt line 650'\n"
        ));
        assert!(text.contains("-Protocol ICMPv4 -IcmpType 8 -Description 'Routing and Remote Access (RemoteAccess) ICMP: kb.txt line 660'\n"));
        assert!(text.contains("-DisplayName 'Routing and Remote Access (RemoteAccess) ICMP (ICMPv6)' -Group 'kbingest' -Direction Inbound -Action Allow -Protocol ICMPv6 -IcmpType 128 "));
    }

    #[test]
    fn other_dynamic_ranges_are_written_out_and_rpc_names_its_service() {
        let mut ftp = sample::row("FTP Publishing Service", Some("MSFtpsvc"), 6, Some((1025, 5000)), 274);
        ftp.dynamic = true;
        let mut frs = sample::row("File Replication", Some("NtFrs"), 6, Some((1025, 5000)), 246);
        frs.dynamic = true;
        frs.application_protocol = "RPC dynamic ports".into();
        let set = build(vec![ftp, frs], &Request::new(Settings::new("kbingest"))).unwrap().ruleset;
        let text = render(&set);
        assert!(text.contains("-DisplayName 'FTP Publishing Service (MSFtpsvc) TCP dynamic' -Group 'kbingest' -Direction Inbound -Action Allow -Protocol TCP -LocalPort '1025-5000' "), "{text}");
        assert!(text.contains("-Protocol TCP -LocalPort RPC -Service 'NtFrs' -Description"), "{text}");
    }

    #[test]
    fn outbound_rules_name_remote_ports_and_never_the_rpc_keyword() {
        let mut rule = ruleset(Policy::Accept).rules.into_iter().find(|r| r.dynamic).unwrap();
        rule.flow = Flow::Outbound;
        let commands = commands(&rule, "'kbingest'");
        assert_eq!(commands.len(), 1);
        assert!(commands[0].contains(" -Direction Outbound "), "{}", commands[0]);
        assert!(commands[0].contains(" -RemotePort '1025-5000' "), "{}", commands[0]);
        assert!(!commands[0].contains("-LocalPort RPC"), "{}", commands[0]);
    }

    #[test]
    fn drop_policy_enables_the_profiles_and_blocks_by_default() {
        let text = render(&ruleset(Policy::Drop));
        assert!(text.contains("\nRemove-NetFirewallRule -Group 'kbingest' -ErrorAction SilentlyContinue\nSet-NetFirewallProfile -Profile Domain, Private, Public -Enabled True -DefaultInboundAction Block\n"));
        assert!(!render(&ruleset(Policy::Accept)).contains("Set-NetFirewallProfile"));
        assert!(!text.contains("Under drop, sessions"), "Windows keeps the flows it has");
    }
}
