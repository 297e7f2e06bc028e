//! The review: every selected port rule of the documents checked against the rule set (allowed,
//! blocked, partly, depends), then every port the rule set opens that no selected rule justifies
//! ([`super::undocumented`]). A pure function of the rule set, the traffic, the rows and the
//! registries' names.

use super::evaluate::{Decider, Outcome, PORTED, Packet, Traffic, evaluate, evaluate_ports, families};
use super::model::{Family, RuleSet};
use super::names::{ECHO_REQUEST, protocol_name, v6_counterpart};
use super::ports::PortSet;
pub use super::trace::{comment, outcome_words, place, port_words};
use crate::firewall::PortRule;
use crate::store::RegisteredPort;

/// The Windows Firewall port keyword of a TCP dynamic port: the RPC service's.
pub const RPC: &str = "RPC";

/// What the review found for one line of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Every port of the document's rule is accepted.
    Allowed,
    /// None is.
    Blocked,
    /// Some ports of the range are accepted, others not.
    Partly,
    /// Whether they are depends on something kbingest cannot decide (an interface, an address).
    Depends,
    /// Open, but no selected rule of the documents asks for it.
    Undocumented,
}

impl Verdict {
    /// Every verdict, in report order.
    pub const ALL: [Verdict; 5] =
        [Verdict::Allowed, Verdict::Blocked, Verdict::Partly, Verdict::Depends, Verdict::Undocumented];

    /// The word in the report.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::Blocked => "blocked",
            Verdict::Partly => "partly",
            Verdict::Depends => "depends",
            Verdict::Undocumented => "undocumented",
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What was found.
    pub verdict: Verdict,
    /// The document's service (none for an undocumented port).
    pub service: Option<String>,
    /// Its system service name.
    pub system_service_name: Option<String>,
    /// `TCP`, `UDP`, `ICMP`, `GRE`...
    pub transport: String,
    /// `53`, `1025-5000`, `type 8`; empty for a transport without ports.
    pub ports: String,
    /// The address families the line is about.
    pub families: Vec<Family>,
    /// The document, and the line of the rule (none for an undocumented port).
    pub source: Option<(String, u32)>,
    /// The rule set's rules (or policies) that decide, as the rule set names them.
    pub ruleset_rules: Vec<String>,
    /// Their comments, the ranges of a partly open range, or what it depends on.
    pub detail: String,
    /// What the loaded registries call an undocumented port.
    pub registered_names: Option<String>,
}

/// The whole review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// The lines of the report, the documents' rules first.
    pub findings: Vec<Finding>,
    /// The families reviewed.
    pub families: Vec<Family>,
    /// What was not reviewed, and why, for standard error.
    pub notes: Vec<String>,
}

impl Review {
    /// How many lines have this verdict.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.findings.iter().filter(|f| f.verdict == verdict).count()
    }

    /// Whether every documented port is open and nothing undocumented is.
    pub fn clean(&self) -> bool {
        self.findings.iter().all(|f| f.verdict == Verdict::Allowed)
    }
}

/// What a document's rule (or an undocumented port) is checked over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Space {
    /// These ports (ICMP: types).
    Ports(PortSet),
    /// A port the document gives no number for (a dynamic port without a range).
    Unknown,
    /// A transport without ports.
    None,
}

/// Reviews `rows` (the selected port rules) against `set`.
pub fn review(set: &RuleSet, traffic: Traffic, rows: &[PortRule], registry: &[RegisteredPort]) -> Review {
    let wanted: Vec<Family> = match traffic {
        Traffic::Forward(to) => vec![if to.is_ipv4() { Family::V4 } else { Family::V6 }],
        Traffic::Inbound => Family::ALL.to_vec(),
    };
    let filtered: Vec<Family> = families(set, traffic).into_iter().filter(|f| wanted.contains(f)).collect();
    let mut notes = set.notes.clone();
    let reviewed = if filtered.is_empty() { wanted.clone() } else { filtered.clone() };
    if filtered.is_empty() {
        let names: Vec<&str> = wanted.iter().map(|f| f.name()).collect();
        notes.push(format!(
            "the rule set holds no chain on this traffic's path ({}): nothing filters it, every port is open",
            names.join(", ")
        ));
    }
    for family in wanted.iter().filter(|f| !reviewed.contains(f)) {
        notes.push(format!(
            "{} not reviewed: the rule set holds no {} chain on this traffic's path",
            family.name(),
            family.name()
        ));
    }
    let mut findings = Vec::new();
    for row in rows {
        if row.direction.as_deref().is_some_and(|d| d.eq_ignore_ascii_case("outbound")) {
            continue;
        }
        let protocols: Vec<u8> = match row.ip_protocol {
            Some(p) => vec![p],
            None if row.ports.is_some() => vec![6, 17],
            None => Vec::new(),
        };
        for protocol in protocols {
            let space = match (protocol, row.ports, row.icmp_type) {
                (p, Some((low, high)), _) if PORTED.contains(&p) => Space::Ports(PortSet::range(low, high)),
                (p, None, _) if PORTED.contains(&p) && row.dynamic => Space::Unknown,
                (p, None, _) if PORTED.contains(&p) => {
                    notes.push(format!(
                        "{} line {}: {} without a port, not reviewed",
                        row.source,
                        row.source_line,
                        protocol_name(p)
                    ));
                    continue;
                }
                _ => Space::None,
            };
            // An ICMP row is its type (echo request where it names none) for IPv4, and that
            // type's ICMPv6 counterpart for IPv6, as `kbingest firewall` opens it.
            let plans: Vec<(Family, u8, Space)> = reviewed
                .iter()
                .filter_map(|&family| {
                    let t = row.icmp_type.unwrap_or(ECHO_REQUEST);
                    let one = |t: u8| Space::Ports(PortSet::range(t.into(), t.into()));
                    match (protocol, family) {
                        (1, Family::V4) => Some((family, 1, one(t))),
                        (1, Family::V6) => v6_counterpart(t).map(|c| (family, 58, one(c))),
                        _ => Some((family, protocol, space.clone())),
                    }
                })
                .collect();
            let mut per_family = Vec::new();
            for (family, protocol, space) in plans {
                let keyword = (row.dynamic && protocol == 6).then_some(RPC);
                let packet = Packet { family, protocol, port: None, keyword };
                let outcomes = outcomes(set, traffic, packet, &space);
                let (verdict, deciders, detail) = classify(set, &outcomes, protocol);
                let finding = Finding {
                    verdict,
                    service: Some(row.service.clone()),
                    system_service_name: row.system_service_name.clone(),
                    transport: protocol_name(protocol),
                    ports: space_words(&space, protocol),
                    families: vec![family],
                    source: Some((row.source.clone(), row.source_line)),
                    ruleset_rules: deciders.iter().map(|&d| place(set, d)).collect(),
                    detail,
                    registered_names: None,
                };
                per_family.push(finding);
            }
            findings.extend(merge_families(per_family));
        }
    }
    findings.extend(super::undocumented::open_ports(set, traffic, &reviewed, rows, registry));
    Review { findings, families: reviewed, notes }
}

/// The outcome over a space: each range of ports that fares alike (`None` without ports).
pub fn outcomes(set: &RuleSet, traffic: Traffic, packet: Packet, space: &Space) -> Vec<(Option<(u16, u16)>, Outcome)> {
    match space {
        Space::Ports(ports) => {
            evaluate_ports(set, traffic, packet, ports).into_iter().map(|(l, h, o)| (Some((l, h)), o)).collect()
        }
        Space::Unknown | Space::None => vec![(None, evaluate(set, traffic, packet))],
    }
}

/// Lines that differ only in their family, and in the rules that decide for each, made one (a
/// dual-stack host's iptables-save and ip6tables-save rules, each family's own), in order.
pub fn merge_families(lines: Vec<Finding>) -> Vec<Finding> {
    let alike = |a: &Finding, b: &Finding| {
        (a.verdict, &a.service, &a.transport, &a.ports, &a.source, &a.detail, &a.registered_names)
            == (b.verdict, &b.service, &b.transport, &b.ports, &b.source, &b.detail, &b.registered_names)
    };
    let mut out: Vec<Finding> = Vec::new();
    for line in lines {
        match out.iter_mut().find(|known| alike(known, &line)) {
            Some(known) => {
                known.families.extend(line.families);
                for rule in line.ruleset_rules {
                    if !known.ruleset_rules.contains(&rule) {
                        known.ruleset_rules.push(rule);
                    }
                }
            }
            None => out.push(line),
        }
    }
    out
}

/// A document rule's verdict over its outcomes: the verdict, the deciding rules and the detail.
pub fn classify(
    set: &RuleSet,
    outcomes: &[(Option<(u16, u16)>, Outcome)],
    protocol: u8,
) -> (Verdict, Vec<Decider>, String) {
    let accepted = outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Accepted(_))).count();
    let blocked = outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Blocked(_))).count();
    let mut deciders: Vec<Decider> = Vec::new();
    for (_, outcome) in outcomes {
        for d in deciders_of(outcome) {
            if !deciders.contains(&d) {
                deciders.push(d);
            }
        }
    }
    let verdict = if accepted == outcomes.len() {
        Verdict::Allowed
    } else if blocked == outcomes.len() {
        Verdict::Blocked
    } else if accepted == 0 {
        Verdict::Depends
    } else {
        Verdict::Partly
    };
    let detail = if outcomes.len() == 1 {
        outcome_words(set, &outcomes[0].1)
    } else {
        let parts: Vec<String> = outcomes
            .iter()
            .map(|(ports, outcome)| {
                let ports = ports.map(|(l, h)| port_words(protocol, l, h)).unwrap_or_default();
                match outcome {
                    Outcome::Accepted(_) => format!("open {ports}"),
                    Outcome::Blocked(_) => format!("blocked {ports}"),
                    Outcome::Depends(_) => format!("{ports} {}", outcome_words(set, outcome)),
                }
            })
            .collect();
        parts.join("; ")
    };
    (verdict, deciders, detail)
}

fn deciders_of(outcome: &Outcome) -> Vec<Decider> {
    match outcome {
        Outcome::Accepted(d) | Outcome::Blocked(d) => vec![*d],
        Outcome::Depends(on) => on.clone(),
    }
}

fn space_words(space: &Space, protocol: u8) -> String {
    match space {
        Space::Ports(ports) => {
            let parts: Vec<String> = ports.ranges().iter().map(|&(l, h)| port_words(protocol, l, h)).collect();
            parts.join(", ")
        }
        Space::Unknown => "dynamic (no range given)".into(),
        Space::None => String::new(),
    }
}
