//! Open but not documented: every port, ICMP type and IP protocol the rule set accepts (or may
//! accept) that no selected rule of the documents asks for, with the names the loaded registries
//! give the ports. ICMP that keeps a network working ([`super::names::infrastructure_icmp`]) is
//! not a finding.

use super::evaluate::{Decider, Outcome, PORTED, Packet, Traffic, evaluate};
use super::findings::{Finding, RPC, Space, Verdict, merge_families, outcome_words, outcomes, place, port_words};
use super::model::{Condition, Family, RuleSet};
use super::names::{ECHO_REQUEST, infrastructure_icmp, protocol_name, v6_counterpart};
use super::ports::PortSet;
use crate::firewall::PortRule;
use crate::store::RegisteredPort;
use std::collections::BTreeSet;

/// What the selected rules of the documents ask for, by transport.
#[derive(Default)]
struct Documented {
    /// Ports per ported protocol.
    ports: Vec<(u8, PortSet)>,
    /// ICMP types (echo request for a row that names none).
    icmp: PortSet,
    /// Their ICMPv6 counterparts.
    icmpv6: PortSet,
    /// Protocols without ports.
    portless: BTreeSet<u8>,
    /// Whether a TCP dynamic port is documented (Windows' `RPC` keyword opens one).
    dynamic_tcp: bool,
}

impl Documented {
    fn of(rows: &[PortRule]) -> Documented {
        let mut d = Documented::default();
        for row in rows.iter().filter(|r| !r.direction.as_deref().is_some_and(|d| d.eq_ignore_ascii_case("outbound"))) {
            let protocols = match row.ip_protocol {
                Some(p) => vec![p],
                None => vec![6, 17],
            };
            for p in protocols {
                match (p, row.ports) {
                    (1, _) => {
                        let t = row.icmp_type.unwrap_or(ECHO_REQUEST);
                        d.icmp = d.icmp.union(&PortSet::range(t.into(), t.into()));
                        if let Some(c) = v6_counterpart(t) {
                            d.icmpv6 = d.icmpv6.union(&PortSet::range(c.into(), c.into()));
                        }
                    }
                    (p, Some((low, high))) if PORTED.contains(&p) => {
                        d.dynamic_tcp |= p == 6 && row.dynamic;
                        d.add_ports(p, &PortSet::range(low, high));
                    }
                    (6, None) if row.dynamic => d.dynamic_tcp = true,
                    (p, None) if !PORTED.contains(&p) => {
                        d.portless.insert(p);
                    }
                    _ => {}
                }
            }
        }
        d
    }

    fn add_ports(&mut self, protocol: u8, ports: &PortSet) {
        match self.ports.iter_mut().find(|(p, _)| *p == protocol) {
            Some((_, known)) => *known = known.union(ports),
            None => self.ports.push((protocol, ports.clone())),
        }
    }

    fn ports_of(&self, protocol: u8) -> PortSet {
        self.ports.iter().find(|(p, _)| *p == protocol).map(|(_, s)| s.clone()).unwrap_or_default()
    }
}

/// A finding with the key it is sorted by: its protocol and first port.
type Keyed = ((u8, u32), Finding);

/// The undocumented openings, for each family reviewed, made one line where the families agree.
pub fn open_ports(
    set: &RuleSet,
    traffic: Traffic,
    families: &[Family],
    rows: &[PortRule],
    registry: &[RegisteredPort],
) -> Vec<Finding> {
    let documented = Documented::of(rows);
    let mentioned: BTreeSet<u8> = set
        .rules()
        .flat_map(|(_, r)| &r.conditions)
        .filter_map(|c| match c {
            Condition::Protocol { protocols, .. } => Some(protocols.iter().copied()),
            _ => None,
        })
        .flatten()
        .collect();
    let mut per_family: Vec<(Family, Keyed)> = Vec::new();
    for &family in families {
        let mut add = |key: (u8, u32), finding: Finding| per_family.push((family, (key, finding)));
        let ported = PORTED.iter().copied().filter(|p| matches!(p, 6 | 17) || mentioned.contains(p));
        for protocol in ported {
            let space = PortSet::range(1, 65535).minus(&documented.ports_of(protocol));
            let packet = Packet { family, protocol, port: None, keyword: None };
            for (finding, low) in openings(set, traffic, packet, &space, registry) {
                add((protocol, low), finding);
            }
        }
        let icmp = if family == Family::V4 { 1 } else { 58 };
        let infrastructure = PortSet::of(infrastructure_icmp(icmp == 58).iter().map(|&t| (u16::from(t), u16::from(t))));
        let documented_types = if icmp == 1 { &documented.icmp } else { &documented.icmpv6 };
        let space = PortSet::range(0, 255).minus(&infrastructure).minus(documented_types);
        let packet = Packet { family, protocol: icmp, port: None, keyword: None };
        for (finding, low) in openings(set, traffic, packet, &space, registry) {
            add((icmp, low), finding);
        }
        let reserved: BTreeSet<u8> = PORTED.iter().chain(&[1, 58]).copied().collect();
        for &protocol in mentioned.iter().filter(|p| !reserved.contains(p) && !documented.portless.contains(p)) {
            let packet = Packet { family, protocol, port: None, keyword: None };
            for (finding, _) in openings(set, traffic, packet, &PortSet::new(), registry) {
                add((protocol, 0), finding);
            }
        }
        // One protocol nothing names stands for every other: open only where a rule or policy
        // accepts any protocol.
        let taken = |p: &u8| reserved.contains(p) || mentioned.contains(p) || documented.portless.contains(p);
        if let Some(other) = (0..=255u8).rev().find(|p| !taken(p)) {
            let packet = Packet { family, protocol: other, port: None, keyword: None };
            for (mut finding, _) in openings(set, traffic, packet, &PortSet::new(), registry) {
                finding.transport = "other IP protocols".into();
                add((255, 0), finding);
            }
        }
        for (keyword, protocol) in set.port_keywords() {
            let documented = keyword == RPC && protocol == 6 && documented.dynamic_tcp;
            if let (false, Some(finding)) = (documented, keyword_opening(set, traffic, family, keyword, protocol)) {
                add((protocol, 65536), finding);
            }
        }
    }
    // A merged line sorts by the key of its first line.
    let (keys, lines): (Vec<(u8, u32)>, Vec<Finding>) = per_family
        .into_iter()
        .map(|(family, (key, mut finding))| {
            finding.families = vec![family];
            (key, finding)
        })
        .unzip();
    let key_of = |f: &Finding| {
        lines.iter().position(|l| l.transport == f.transport && l.ports == f.ports).map_or((255, 0), |i| keys[i])
    };
    let mut out: Vec<Keyed> = merge_families(lines.clone()).into_iter().map(|f| (key_of(&f), f)).collect();
    out.sort_by_key(|(key, _)| (key.0 != 6, key.0 != 17, *key));
    out.into_iter().map(|(_, f)| f).collect()
}

/// The ranges of `space` (or, empty, the portless packet) the rule set accepts or may accept, as
/// findings, each with its first port.
fn openings(
    set: &RuleSet,
    traffic: Traffic,
    packet: Packet,
    space: &PortSet,
    registry: &[RegisteredPort],
) -> Vec<(Finding, u32)> {
    let space = if space.is_empty() && !PORTED.contains(&packet.protocol) && ![1, 58].contains(&packet.protocol) {
        Space::None
    } else if space.is_empty() {
        return Vec::new();
    } else {
        Space::Ports(space.clone())
    };
    let mut out = Vec::new();
    for (ports, outcome) in outcomes(set, traffic, packet, &space) {
        let deciders = match &outcome {
            Outcome::Accepted(d) => vec![*d],
            Outcome::Depends(on) => on.clone(),
            Outcome::Blocked(_) => continue,
        };
        let (low, high) = ports.unwrap_or((0, 0));
        let registered = ports.and_then(|_| registered_names(registry, &protocol_name(packet.protocol), low, high));
        out.push((
            Finding {
                verdict: Verdict::Undocumented,
                service: None,
                system_service_name: None,
                transport: protocol_name(packet.protocol),
                ports: ports.map(|(l, h)| port_words(packet.protocol, l, h)).unwrap_or_default(),
                families: Vec::new(),
                source: None,
                ruleset_rules: deciders.iter().map(|&d| place(set, d)).collect(),
                detail: outcome_words(set, &outcome),
                registered_names: registered,
            },
            u32::from(low),
        ));
    }
    out
}

/// A Windows Firewall port keyword opening ports no document rule asks for: a packet to a port
/// the keyword stands for and no rule names otherwise.
fn keyword_opening(
    set: &RuleSet,
    traffic: Traffic,
    family: Family,
    keyword: &'static str,
    protocol: u8,
) -> Option<Finding> {
    let named: Vec<&PortSet> = set
        .rules()
        .flat_map(|(_, r)| &r.conditions)
        .filter_map(|c| match c {
            Condition::DestPort { ports, .. } => Some(ports),
            _ => None,
        })
        .collect();
    let port = (49152..=u16::MAX).find(|&p| !named.iter().any(|s| s.contains(p)))?;
    let outcome = evaluate(set, traffic, Packet { family, protocol, port: Some(port), keyword: Some(keyword) });
    let by_keyword = |d: &Decider| match d {
        Decider::Rule { chain, rule } => {
            set.chains[*chain].rules[*rule].conditions.contains(&Condition::PortKeyword(keyword))
        }
        _ => false,
    };
    let deciders = match &outcome {
        Outcome::Accepted(d) if by_keyword(d) => vec![*d],
        Outcome::Depends(on) if on.iter().any(by_keyword) => on.clone(),
        _ => return None,
    };
    Some(Finding {
        verdict: Verdict::Undocumented,
        service: None,
        system_service_name: None,
        transport: protocol_name(protocol),
        ports: format!("{keyword} (Windows keyword)"),
        families: Vec::new(),
        source: None,
        ruleset_rules: deciders.iter().map(|&d| place(set, d)).collect(),
        detail: outcome_words(set, &outcome),
        registered_names: None,
    })
}

/// What the registries call the ports of a range: `ssh`, or `22 ssh, 23 telnet, ... and 40 more`.
pub fn registered_names(registry: &[RegisteredPort], transport: &str, low: u16, high: u16) -> Option<String> {
    let mut names: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    for r in registry.iter().filter(|r| r.transport == transport && r.low <= high && r.high >= low) {
        if seen.insert((r.low, r.high, r.name.as_str())) {
            let at = super::ports::range_words(r.low, r.high);
            names.push(if low == high { r.name.clone() } else { format!("{at} {}", r.name) });
        }
    }
    match names.len() {
        0 => None,
        n if n > 5 => Some(format!("{} and {} more", names[..5].join(", "), n - 5)),
        _ => Some(names.join(", ")),
    }
}
