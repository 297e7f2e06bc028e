//! The review as a pure function: a small rule set by hand, the documents' rows, and the lines
//! it must give.

use super::evaluate::Traffic;
use super::findings::{Finding, Verdict, review};
use super::model::{Action, Base, Chain, Condition, Families, Family, Hook, Origin, Rule, RuleSet, RulesetFormat};
use super::ports::PortSet;
use crate::firewall::PortRule;
use crate::store::RegisteredPort;

fn rule(handle: u32, conditions: Vec<Condition>) -> Rule {
    let origin = Origin { line: 1, place: format!("handle {handle}"), comment: Some(format!("rule {handle}")) };
    Rule { origin, conditions, action: Action::Accept }
}

fn on(protocol: u8, low: u16, high: u16) -> Vec<Condition> {
    vec![
        Condition::Protocol { protocols: vec![protocol], negated: false },
        Condition::DestPort { ports: PortSet::range(low, high), negated: false },
    ]
}

fn rule_set() -> RuleSet {
    let base = Base { hook: Hook::Input, priority: 0, filter: true, accepts: false };
    let mut icmpv6 = vec![Condition::Protocol { protocols: vec![58], negated: false }];
    icmpv6.push(Condition::IcmpType { types: PortSet::of([(128, 128), (200, 200)]), negated: false });
    let mut eth0 = on(17, 53, 53);
    eth0.insert(0, Condition::Unknown("iifname == eth0".into()));
    let mut v4 = on(6, 22, 22);
    v4.insert(0, Condition::Family(Family::V4));
    let rules = vec![
        rule(1, on(6, 53, 53)),
        rule(2, on(6, 1000, 1999)),
        rule(3, eth0),
        rule(4, v4),
        rule(5, icmpv6),
        rule(6, vec![Condition::Protocol { protocols: vec![47], negated: false }]),
    ];
    let origin = Origin { line: 1, place: "inet t input".into(), comment: None };
    let chain = Chain { name: "inet t input".into(), families: Families::BOTH, base: Some(base), origin, rules };
    RuleSet { format: RulesetFormat::NftJson, chains: vec![chain], notes: Vec::new() }
}

fn row(line: u32, ip_protocol: u8, ports: Option<(u16, u16)>, icmp_type: Option<u8>) -> PortRule {
    PortRule {
        source: "doc.txt".into(),
        service: "Service".into(),
        system_service_name: None,
        application_protocol: "RPC".into(),
        transport: None,
        ip_protocol: Some(ip_protocol),
        ports,
        dynamic: false,
        port_raw: String::new(),
        direction: None,
        icmp_type,
        source_ports: None,
        source_line: line,
    }
}

/// (verdict, transport, ports, families, rules, detail, registered names) of a line.
fn summary(f: &Finding) -> (Verdict, String, String, String, String, String, Option<String>) {
    let families: Vec<&str> = f.families.iter().map(|f| f.name()).collect();
    (
        f.verdict,
        f.transport.clone(),
        f.ports.clone(),
        families.join(" "),
        f.ruleset_rules.join("; "),
        f.detail.clone(),
        f.registered_names.clone(),
    )
}

#[test]
fn every_document_rule_and_every_undocumented_opening() {
    let rows = [
        row(10, 6, Some((53, 53)), None),
        row(11, 6, Some((1000, 2999)), None),
        row(12, 17, Some((53, 53)), None),
        row(13, 1, None, None),
    ];
    let registry = [RegisteredPort { transport: "TCP".into(), low: 22, high: 22, name: "ssh".into() }];
    let result = review(&rule_set(), Traffic::Inbound, &rows, &registry);
    let s = |t: &str| t.to_string();
    let got: Vec<_> = result.findings.iter().map(summary).collect();
    assert_eq!(
        got,
        [
            (Verdict::Allowed, s("TCP"), s("53"), s("IPv4 IPv6"), s("handle 1"), s("rule 1"), None),
            (
                Verdict::Partly,
                s("TCP"),
                s("1000-2999"),
                s("IPv4 IPv6"),
                s("handle 2; policy drop of inet t input"),
                s("open 1000-1999; blocked 2000-2999"),
                None
            ),
            (Verdict::Depends, s("UDP"), s("53"), s("IPv4 IPv6"), s("handle 3"), s("depends on iifname == eth0"), None),
            (Verdict::Blocked, s("ICMP"), s("type 8"), s("IPv4"), s("policy drop of inet t input"), s(""), None),
            // The ICMP row's IPv6 twin: echo request is ICMPv6 type 128.
            (Verdict::Allowed, s("ICMPv6"), s("type 128"), s("IPv6"), s("handle 5"), s("rule 5"), None),
            (Verdict::Undocumented, s("TCP"), s("22"), s("IPv4"), s("handle 4"), s("rule 4"), Some(s("ssh"))),
            (Verdict::Undocumented, s("GRE"), s(""), s("IPv4 IPv6"), s("handle 6"), s("rule 6"), None),
            (Verdict::Undocumented, s("ICMPv6"), s("type 200"), s("IPv6"), s("handle 5"), s("rule 5"), None),
        ]
    );
    assert_eq!(result.findings[0].source, Some(("doc.txt".into(), 10)));
    assert_eq!(result.families, [Family::V4, Family::V6]);
    assert!(!result.clean());
    assert_eq!((result.count(Verdict::Allowed), result.count(Verdict::Undocumented)), (2, 3));
}

#[test]
fn forwarded_traffic_is_one_family_and_unfiltered_without_a_forward_chain() {
    let rows = [row(10, 6, Some((53, 53)), None)];
    let result = review(&rule_set(), Traffic::Forward("192.0.2.1".parse().unwrap()), &rows, &[]);
    assert_eq!(result.families, [Family::V4]);
    assert_eq!(
        result.notes,
        ["the rule set holds no chain on this traffic's path (IPv4): nothing filters it, every port is open"]
    );
    let first = summary(&result.findings[0]);
    assert_eq!((first.0, first.4), (Verdict::Allowed, "no chain".to_string()));
    let other = result.findings.last().unwrap();
    assert_eq!((other.verdict, other.transport.as_str()), (Verdict::Undocumented, "other IP protocols"));
}

#[test]
fn outbound_rows_are_not_reviewed_and_registered_names_are_listed_for_ranges() {
    let mut outbound = row(10, 6, Some((2000, 2000)), None);
    outbound.direction = Some("outbound".into());
    let result = review(&rule_set(), Traffic::Inbound, &[outbound], &[]);
    assert!(result.findings.iter().all(|f| f.verdict == Verdict::Undocumented), "{:#?}", result.findings);
    let names: Vec<RegisteredPort> = (1000..1008)
        .map(|p| RegisteredPort { transport: "TCP".into(), low: p, high: p, name: format!("n{p}") })
        .collect();
    let tcp = review(&rule_set(), Traffic::Inbound, &[], &names);
    let range = tcp.findings.iter().find(|f| f.ports == "1000-1999").unwrap();
    assert_eq!(
        range.registered_names.as_deref(),
        Some("1000 n1000, 1001 n1001, 1002 n1002, 1003 n1003, 1004 n1004 and 3 more")
    );
}
