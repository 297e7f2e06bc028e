//! Port rules merged into firewall rules: one per service, direction, transport and kind of port
//! (fixed ports and ranges in one rule, a service's dynamic ports in another), holding every port
//! of the service's rows and every place they came from. A fixed port inside a dynamic range keeps
//! its own rule, so that its comment still traces it.

use super::dynamic::Requirement;
use super::{AssumeTransport, Direction, Request, icmp};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Which way the traffic a rule allows goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flow {
    /// To this host (or, on a gateway, to the servers), to the listed ports.
    Inbound,
    /// From this host (or the servers), to the listed ports elsewhere.
    Outbound,
}

/// What a rule matches beyond ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Protocol {
    /// TCP, by destination port.
    Tcp,
    /// UDP, by destination port.
    Udp,
    /// ICMP by type (and its ICMPv6 counterpart); `None` for every type.
    Icmp(Option<u8>),
    /// Another IP protocol without ports, by number (IPIP 4, GRE 47, ESP 50, AH 51).
    Other(u8),
}

impl Protocol {
    /// The transport's name as `port_rules` has it.
    pub fn name(&self) -> String {
        match self {
            Protocol::Tcp => "TCP".into(),
            Protocol::Udp => "UDP".into(),
            Protocol::Icmp(_) => "ICMP".into(),
            Protocol::Other(n) => crate::normalize::Transport::ALL
                .into_iter()
                .find(|t| t.ip_protocol() == *n)
                .map_or_else(|| format!("IP protocol {n}"), |t| t.name().to_string()),
        }
    }

    /// Whether the protocol has ports.
    pub fn has_ports(&self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp)
    }
}

/// Where a requirement is: a source document and a line of it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct At {
    /// The source document, as named at ingest.
    pub source: String,
    /// The 1-based line.
    pub line: u32,
}

/// One row's ports.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    /// First port.
    pub low: u16,
    /// Last port.
    pub high: u16,
    /// The row's place.
    pub at: At,
}

/// One firewall rule: a service's ports of one kind for one direction and transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirewallRule {
    /// The section's title (the first source's, where sources are merged).
    pub service: String,
    /// The system service name, where known.
    pub system_service_name: Option<String>,
    /// Which way.
    pub flow: Flow,
    /// What it matches.
    pub protocol: Protocol,
    /// Whether it holds ports allocated at random (`RANDOM`, `dynamic`).
    pub dynamic: bool,
    /// Whether those are RPC's dynamic ports: the row says RPC, or its section pairs it with the
    /// RPC endpoint mapper (an RPC row on TCP 135).
    pub rpc: bool,
    /// The ports of every row, in order; empty for a transport without ports.
    pub spans: Vec<Span>,
    /// Every row's place, in order, each once.
    pub places: Vec<At>,
    /// The places whose transport was assumed (`--assume-transport`).
    pub assumed: Vec<At>,
    /// The ranges of its spans that the page gives as alternatives for a dynamic row and the
    /// user's `--dynamic-range legacy` chose (see [`Requirement::chosen_alternative`]).
    pub chosen_alternatives: Vec<(u16, u16)>,
    /// What the comment adds (dynamic range chosen, ICMP type read, wide range allowed), each
    /// with the places it is about, in the order first met.
    pub remarks: Vec<(String, Vec<At>)>,
}

impl FirewallRule {
    /// The ports as few ranges as possible: overlapping and adjacent ranges joined, in order.
    pub fn ranges(&self) -> Vec<(u16, u16)> {
        let mut spans: Vec<(u16, u16)> = self.spans.iter().map(|s| (s.low, s.high)).collect();
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

    /// Adds a remark about `at`.
    pub fn remark(&mut self, text: String, at: &At) {
        match self.remarks.iter_mut().find(|(t, _)| *t == text) {
            Some((_, places)) if !places.contains(at) => places.push(at.clone()),
            Some(_) => {}
            None => self.remarks.push((text, vec![at.clone()])),
        }
    }
}

/// The merged rules, and what was left out and why (one sentence each, for standard error).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merged {
    /// The rules, per service in the order of the rows, then by direction, transport and kind.
    pub rules: Vec<FirewallRule>,
    /// Rows that gave no rule, said once each.
    pub notes: Vec<String>,
}

/// Merges rows into rules for the directions asked. Rows without a transport are refused (the
/// error lists each, one a line) unless `--assume-transport` says which to take. Rows of several
/// sources (`--all-sources`) merge by system service name, else by title.
pub fn merge(requirements: &[Requirement], request: &Request) -> Result<Merged, String> {
    let untransported: Vec<String> = requirements
        .iter()
        .filter(|r| r.row.ip_protocol.is_none())
        .map(|r| {
            super::trace::one_line(&format!(
                "{}:{}: {}: the document gives no transport for this port; pass --assume-transport tcp, udp or both",
                r.row.source, r.row.source_line, r.row.service
            ))
        })
        .collect();
    if request.assume.is_none() && !untransported.is_empty() {
        return Err(untransported.join("\n"));
    }
    let endpoint_mappers = endpoint_mappers(requirements);
    // Services numbered in the order of their first row, which is the order of the output.
    let mut services: HashMap<(Option<&str>, String, Option<String>), usize> = HashMap::new();
    let mut rules: BTreeMap<(usize, Flow, Protocol, bool), FirewallRule> = BTreeMap::new();
    let mut notes = Vec::new();
    let mut left_out = 0;
    for req in requirements {
        let row = &req.row;
        let wanted: Vec<Flow> =
            flows(row.direction.as_deref()).iter().copied().filter(|f| asked(request.settings.direction, *f)).collect();
        if wanted.is_empty() {
            left_out += 1;
            continue;
        }
        let at = At { source: row.source.clone(), line: row.source_line };
        let (protocols, assumed) = match row.ip_protocol {
            Some(1) => {
                let (t, remark) = icmp::type_of(row, request.icmp);
                (vec![(Protocol::Icmp(t), remark)], false)
            }
            Some(6) => (vec![(Protocol::Tcp, req.remark.clone())], false),
            Some(17) => (vec![(Protocol::Udp, req.remark.clone())], false),
            Some(n) => (vec![(Protocol::Other(n), None)], false),
            None => (assumed_protocols(request.assume).into_iter().map(|p| (p, req.remark.clone())).collect(), true),
        };
        let key = if request.all_sources {
            let name = row.system_service_name.as_ref().map(|n| n.to_lowercase());
            (None, if name.is_some() { String::new() } else { row.service.to_lowercase() }, name)
        } else {
            (Some(row.source.as_str()), row.service.clone(), row.system_service_name.clone())
        };
        let next = services.len();
        let service = *services.entry(key).or_insert(next);
        for (protocol, remark) in protocols {
            let spans = match (protocol.has_ports(), req.ports) {
                (true, None) => {
                    notes.push(super::trace::one_line(&format!(
                        "{}:{}: {}: {} without a port: no rule written, since it would open every port",
                        row.source,
                        row.source_line,
                        row.service,
                        protocol.name()
                    )));
                    continue;
                }
                (true, Some((low, high))) => vec![Span { low, high, at: at.clone() }],
                (false, _) => Vec::new(),
            };
            let dynamic = row.dynamic && protocol.has_ports();
            let rpc = dynamic
                && protocol == Protocol::Tcp
                && (says_rpc(&row.application_protocol)
                    || endpoint_mappers.contains(&(row.source.as_str(), row.service.as_str())));
            for flow in &wanted {
                let rule = rules.entry((service, *flow, protocol, dynamic)).or_insert_with(|| FirewallRule {
                    service: row.service.clone(),
                    system_service_name: row.system_service_name.clone(),
                    flow: *flow,
                    protocol,
                    dynamic,
                    rpc: false,
                    spans: Vec::new(),
                    places: Vec::new(),
                    assumed: Vec::new(),
                    chosen_alternatives: Vec::new(),
                    remarks: Vec::new(),
                });
                rule.rpc |= rpc;
                rule.spans.extend(spans.iter().cloned());
                if req.chosen_alternative {
                    rule.chosen_alternatives.extend(spans.iter().map(|s| (s.low, s.high)));
                }
                rule.places.push(at.clone());
                if assumed {
                    rule.assumed.push(at.clone());
                }
                if let Some(remark) = &remark {
                    rule.remark(remark.clone(), &at);
                }
                if let Some(remark) = icmp::ipv4_only(protocol) {
                    rule.remark(remark, &at);
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
            rule.chosen_alternatives.sort_unstable();
            rule.chosen_alternatives.dedup();
            for places in [&mut rule.places, &mut rule.assumed] {
                places.sort_unstable();
                places.dedup();
            }
            rule
        })
        .collect();
    Ok(Merged { rules, notes })
}

/// The sections (source, title) with an RPC row on TCP 135, the RPC endpoint mapper.
fn endpoint_mappers(requirements: &[Requirement]) -> HashSet<(&str, &str)> {
    requirements
        .iter()
        .map(|r| &r.row)
        .filter(|r| {
            r.ip_protocol == Some(6)
                && r.ports.is_some_and(|(low, high)| low <= 135 && 135 <= high)
                && says_rpc(&r.application_protocol)
        })
        .map(|r| (r.source.as_str(), r.service.as_str()))
        .collect()
}

/// Whether the words name RPC (`RPC`, `MSRPC`, `DCE/RPC`) or DCOM, which rides on it.
pub fn says_rpc(words: &str) -> bool {
    words
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| ["RPC", "MSRPC", "DCOM"].iter().any(|name| w.eq_ignore_ascii_case(name)))
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
