//! Firewall rules from port rules: a selection of `port_rules` rows ([`select`]) from one source
//! (or several, merged on purpose), their dynamic ranges chosen ([`dynamic`]), merged per service,
//! direction, transport and kind of port ([`merge`]), checked for wide ranges ([`wide`]) and
//! rendered as an nftables ruleset, an iptables or ip6tables restore file or a PowerShell script
//! ([`nftables`], [`iptables`], [`powershell`]). Everything after reading the rows is a pure
//! function of plain records; [`build`] is the one entry point.

pub mod address;
pub mod baseline;
pub mod dynamic;
pub mod header;
pub mod icmp;
pub mod iptables;
pub mod matches;
pub mod merge;
pub mod nftables;
pub mod powershell;
pub mod read;
#[cfg(test)]
mod sample;
pub mod select;
pub mod settings;
pub mod trace;
pub mod wide;

pub use address::Network;
pub use merge::{At, FirewallRule, Flow, Protocol, Span, merge};
pub use read::read_port_rules;
pub use select::{Selection, select};
pub use settings::{
    AssumeTransport, Chain, Direction, DynamicRange, FirewallFormat, IcmpTypes, KeepPort, Policy, Request, Settings,
};

/// One row of the `port_rules` view, as far as a firewall needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortRule {
    /// The source document as named at ingest.
    pub source: String,
    /// The section's title.
    pub service: String,
    /// The system service name, where the document gives one.
    pub system_service_name: Option<String>,
    /// The application protocol as the document names it (`RPC`, `ICMP (ping)`).
    pub application_protocol: String,
    /// `TCP`, `UDP`, `GRE`, `ESP`, `AH`, `ICMP`, `IPIP`; `None` where the document gives no transport.
    pub transport: Option<String>,
    /// The IANA protocol number, one kbingest knows; `None` with `transport`.
    pub ip_protocol: Option<u8>,
    /// First and last port, where the transport has ports and the document gives them.
    pub ports: Option<(u16, u16)>,
    /// Whether the port is one allocated at random from the range (`port_kind` `dynamic`).
    pub dynamic: bool,
    /// The port cell as the document has it (`RANDOM`).
    pub port_raw: String,
    /// `inbound`, `outbound`, `both`, or `None` where the document does not say.
    pub direction: Option<String>,
    /// The ICMP type, where known (8 = echo request).
    pub icmp_type: Option<u8>,
    /// The client (source) ports the document gives, which no rule matches.
    pub source_ports: Option<(u16, u16)>,
    /// 1-based line in the source where the row begins.
    pub source_line: u32,
}

/// A ruleset ready to render: the settings it is written with and its rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ruleset {
    /// How it is written.
    pub settings: Settings,
    /// What was asked, for the file's header (already free of control characters).
    pub selection: String,
    /// The merged rules, in output order.
    pub rules: Vec<FirewallRule>,
    /// What kbingest chose that the header says, one sentence each: the services a role named,
    /// the wide ranges opened (how wide, and why).
    pub choices: Vec<String>,
}

impl Ruleset {
    /// The rules of one flow, in order.
    pub fn rules_of(&self, flow: Flow) -> impl Iterator<Item = &FirewallRule> {
        self.rules.iter().filter(move |r| r.flow == flow)
    }
}

/// What [`build`] gives: the ruleset, and what standard error should say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    /// The ruleset.
    pub ruleset: Ruleset,
    /// Rows that gave no rule, ports not matched, choices made: one sentence each.
    pub notes: Vec<String>,
}

/// The firewall a request asks for, from every row of `port_rules`; `Err` holds one line per
/// reason it cannot be written (nothing is written then).
pub fn build(rows: Vec<PortRule>, request: &Request) -> Result<Built, String> {
    let select::Selected { rows, roles } = select(rows, &request.selection)?;
    select::one_source(&rows, &request.selection, request.all_sources)?;
    let mut notes = roles.clone();
    let client_ports = rows.iter().filter(|r| r.source_ports.is_some()).count();
    if client_ports > 0 {
        notes.push(format!(
            "{} client (source) ports, which no rule matches: {}",
            if client_ports == 1 { "1 row gives".to_string() } else { format!("{client_ports} rows give") },
            header::CLIENT_PORTS
        ));
    }
    let requirements = dynamic::resolve(rows, request.dynamic);
    let mut merged = merge(&requirements, request)?;
    let wide = wide::check(&mut merged.rules, &request.allow_wide, request.dynamic)?;
    notes.append(&mut merged.notes);
    notes.extend(wide.iter().map(|w| w.trim_end_matches('.').to_string()));
    let choices = roles.iter().map(|r| format!("{r}.")).chain(wide).collect();
    let settings = &request.settings;
    if settings.policy == Policy::Drop && merged.rules.is_empty() {
        return Err(format!(
            "--policy drop: the selection ({}) gives no rule that allows anything{}, so the file would drop every \
             connection; select services with ports for this direction, or use --policy accept",
            select::describe(&request.selection),
            match settings.direction {
                Direction::Inbound => " inbound",
                Direction::Outbound => " outbound",
                Direction::Both => "",
            }
        ));
    }
    let ruleset = Ruleset {
        settings: settings.clone(),
        selection: select::describe(&request.selection),
        rules: merged.rules,
        choices,
    };
    Ok(Built { ruleset, notes })
}

/// Renders a ruleset in the language asked for.
pub fn render(ruleset: &Ruleset, format: FirewallFormat) -> String {
    match format {
        FirewallFormat::Nftables => nftables::render(ruleset),
        FirewallFormat::Iptables => iptables::render(ruleset, address::Family::V4),
        FirewallFormat::Ip6tables => iptables::render(ruleset, address::Family::V6),
        FirewallFormat::Powershell => powershell::render(ruleset),
    }
}

/// `1 rule`, `2 rules`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}
