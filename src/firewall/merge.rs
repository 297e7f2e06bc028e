//! Port rules merged into firewall rules: one per service, direction and transport, holding every
//! port of the service's rows for that transport and every line they came from.

use super::{AssumeTransport, Direction, PortRule};
use std::collections::{BTreeMap, HashMap};

/// Which way the traffic a rule allows goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flow {
    /// To this host, to the listed ports.
    Inbound,
    /// From this host, to the listed ports elsewhere.
    Outbound,
}

/// What a rule matches beyond ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Protocol {
    /// TCP, by destination port.
    Tcp,
    /// UDP, by destination port.
    Udp,
    /// ICMP, by type where known.
    Icmp(Option<u8>),
    /// Another IP protocol without ports, by number (GRE 47, ESP 50, AH 51).
    Other(u8),
}

impl Protocol {
    /// The transport's name as `port_rules` has it.
    pub fn name(&self) -> String {
        match self {
            Protocol::Tcp => "TCP".into(),
            Protocol::Udp => "UDP".into(),
            Protocol::Icmp(_) => "ICMP".into(),
            Protocol::Other(47) => "GRE".into(),
            Protocol::Other(50) => "ESP".into(),
            Protocol::Other(51) => "AH".into(),
            Protocol::Other(4) => "IPIP".into(),
            Protocol::Other(n) => format!("IP protocol {n}"),
        }
    }

    fn of(ip_protocol: u8, icmp_type: Option<u8>) -> Protocol {
        match ip_protocol {
            6 => Protocol::Tcp,
            17 => Protocol::Udp,
            1 => Protocol::Icmp(icmp_type),
            n => Protocol::Other(n),
        }
    }
}

/// One row's ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    /// First port.
    pub low: u16,
    /// Last port.
    pub high: u16,
    /// Whether it is a dynamic range (a port allocated at random from it).
    pub dynamic: bool,
    /// The row's source line.
    pub line: u32,
}

/// One firewall rule: a service's ports for one direction and transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirewallRule {
    /// The source document.
    pub source: String,
    /// The section's title.
    pub service: String,
    /// The system service name, where known.
    pub system_service_name: Option<String>,
    /// Which way.
    pub flow: Flow,
    /// What it matches.
    pub protocol: Protocol,
    /// The ports of every row, in order; empty for a transport without ports.
    pub spans: Vec<Span>,
    /// Every source line, in order, each once.
    pub lines: Vec<u32>,
    /// The lines whose transport was assumed (`--assume-transport`).
    pub assumed: Vec<u32>,
}

impl FirewallRule {
    /// The ports as few ranges as possible: overlapping and adjacent ranges joined, in order.
    /// `dynamic` picks the spans of one kind; `None` takes all.
    pub fn ranges(&self, dynamic: Option<bool>) -> Vec<(u16, u16)> {
        let mut spans: Vec<(u16, u16)> =
            self.spans.iter().filter(|s| dynamic.is_none_or(|d| s.dynamic == d)).map(|s| (s.low, s.high)).collect();
        spans.sort_unstable();
        let mut joined: Vec<(u16, u16)> = Vec::new();
        for (low, high) in spans {
            match joined.last_mut() {
                Some(last) if u32::from(low) <= u32::from(last.1) + 1 => last.1 = last.1.max(high),
                _ => joined.push((low, high)),
            }
        }
        joined
    }

    /// The source lines of the spans of one kind.
    pub fn lines_of(&self, dynamic: bool) -> Vec<u32> {
        let mut lines: Vec<u32> = self.spans.iter().filter(|s| s.dynamic == dynamic).map(|s| s.line).collect();
        lines.sort_unstable();
        lines.dedup();
        lines
    }
}

/// The merged rules, and what was left out and why (one sentence each, for standard error).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merged {
    /// The rules, per service in the order of the rows, then by direction and transport.
    pub rules: Vec<FirewallRule>,
    /// Rows that gave no rule, said once each.
    pub notes: Vec<String>,
}

/// Merges rows into rules for the directions asked. Rows without a transport are refused (the
/// error lists each, one a line) unless `assume` says which transport to take.
pub fn merge(rows: &[PortRule], direction: Direction, assume: Option<AssumeTransport>) -> Result<Merged, String> {
    let untransported: Vec<String> = rows
        .iter()
        .filter(|r| r.ip_protocol.is_none())
        .map(|r| {
            format!(
                "{}:{}: {}: the document gives no transport for this port; pass --assume-transport tcp, udp or both",
                r.source, r.source_line, r.service
            )
        })
        .collect();
    if assume.is_none() && !untransported.is_empty() {
        return Err(untransported.iter().map(|l| super::trace::one_line(l)).collect::<Vec<_>>().join("\n"));
    }
    // Services numbered in the order of their first row, which is the order of the output.
    let mut services: HashMap<(&str, &str, Option<&str>), usize> = HashMap::new();
    let mut rules: BTreeMap<(usize, Flow, Protocol), FirewallRule> = BTreeMap::new();
    let mut notes = Vec::new();
    let mut left_out = 0;
    for row in rows {
        let flows = flows(row.direction.as_deref());
        let wanted: Vec<Flow> = flows.iter().copied().filter(|f| asked(direction, *f)).collect();
        if wanted.is_empty() {
            left_out += 1;
            continue;
        }
        let (protocols, assumed) = match row.ip_protocol {
            Some(p) => (vec![Protocol::of(p, row.icmp_type)], false),
            None => (assumed_protocols(assume), true),
        };
        let key = (row.source.as_str(), row.service.as_str(), row.system_service_name.as_deref());
        let next = services.len();
        let service = *services.entry(key).or_insert(next);
        for protocol in protocols {
            let spans = match (protocol, row.ports) {
                (Protocol::Tcp | Protocol::Udp, None) => {
                    notes.push(super::trace::one_line(&format!(
                        "{}:{}: {}: {} without a port: no rule written, since it would open every port",
                        row.source,
                        row.source_line,
                        row.service,
                        protocol.name()
                    )));
                    continue;
                }
                (Protocol::Tcp | Protocol::Udp, Some((low, high))) => {
                    vec![Span { low, high, dynamic: row.dynamic, line: row.source_line }]
                }
                _ => Vec::new(),
            };
            for flow in &wanted {
                let rule = rules.entry((service, *flow, protocol)).or_insert_with(|| FirewallRule {
                    source: row.source.clone(),
                    service: row.service.clone(),
                    system_service_name: row.system_service_name.clone(),
                    flow: *flow,
                    protocol,
                    spans: Vec::new(),
                    lines: Vec::new(),
                    assumed: Vec::new(),
                });
                rule.spans.extend(spans.iter().copied());
                rule.lines.push(row.source_line);
                if assumed {
                    rule.assumed.push(row.source_line);
                }
            }
        }
    }
    if left_out > 0 {
        let rows = if left_out == 1 { "1 row is".to_string() } else { format!("{left_out} rows are") };
        notes.push(format!(
            "{rows} for the other direction only, so no rule was written for them; pass --direction both to include them"
        ));
    }
    let rules = rules
        .into_values()
        .map(|mut rule| {
            rule.spans.sort_unstable();
            for lines in [&mut rule.lines, &mut rule.assumed] {
                lines.sort_unstable();
                lines.dedup();
            }
            rule
        })
        .collect();
    Ok(Merged { rules, notes })
}

fn flows(direction: Option<&str>) -> &'static [Flow] {
    match direction {
        Some("outbound") => &[Flow::Outbound],
        Some("both") => &[Flow::Inbound, Flow::Outbound],
        _ => &[Flow::Inbound],
    }
}

fn asked(direction: Direction, flow: Flow) -> bool {
    matches!(
        (direction, flow),
        (Direction::Both, _) | (Direction::Inbound, Flow::Inbound) | (Direction::Outbound, Flow::Outbound)
    )
}

fn assumed_protocols(assume: Option<AssumeTransport>) -> Vec<Protocol> {
    match assume {
        Some(AssumeTransport::Tcp) => vec![Protocol::Tcp],
        Some(AssumeTransport::Udp) => vec![Protocol::Udp],
        Some(AssumeTransport::Both) => vec![Protocol::Tcp, Protocol::Udp],
        None => Vec::new(),
    }
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
