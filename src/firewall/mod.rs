//! Firewall rules from port rules: a selection of `port_rules` rows ([`select`]) is merged per
//! service, direction and transport ([`merge`]) and rendered as an nftables ruleset, an
//! iptables-restore file or a PowerShell script ([`nftables`], [`iptables`], [`powershell`]).
//! Everything after reading the rows is a pure function of plain records.

pub mod iptables;
pub mod merge;
pub mod nftables;
pub mod powershell;
#[cfg(test)]
mod sample;
pub mod select;
pub mod trace;

pub use merge::{FirewallRule, Flow, Protocol, Span, merge};
pub use select::{Selection, read_port_rules, select};

/// One row of the `port_rules` view, as far as a firewall needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortRule {
    /// The source document as named at ingest.
    pub source: String,
    /// The section's title.
    pub service: String,
    /// The system service name, where the document gives one.
    pub system_service_name: Option<String>,
    /// `TCP`, `UDP`, `GRE`, `ESP`, `AH`, `ICMP`, `IPIP`; `None` where the document gives no transport.
    pub transport: Option<String>,
    /// The IANA protocol number; `None` with `transport`.
    pub ip_protocol: Option<u8>,
    /// First and last port, where the transport has ports.
    pub ports: Option<(u16, u16)>,
    /// Whether the port is one allocated at random from the range (`port_kind` `dynamic`).
    pub dynamic: bool,
    /// `inbound`, `outbound`, `both`, or `None` where the document does not say.
    pub direction: Option<String>,
    /// The ICMP type, where known (8 = echo request).
    pub icmp_type: Option<u8>,
    /// 1-based line in the source where the row begins.
    pub source_line: u32,
}

/// The directions the user asks rules for (`--direction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Traffic to this host: rows marked inbound or both, and rows with no direction.
    Inbound,
    /// Traffic from this host: only rows the document marks outbound or both.
    Outbound,
    /// Both of the above.
    Both,
}

/// What happens to traffic the selected rules do not allow (`--policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Leave it to the rest of the firewall: the rules only allow.
    Accept,
    /// A default-deny policy: established and related traffic, the selected rules, then drop.
    Drop,
}

/// The transport to assume for rows that give a port but no transport (`--assume-transport`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssumeTransport {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// Both TCP and UDP.
    Both,
}

/// The firewall languages kbingest writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirewallFormat {
    /// An nftables ruleset for `nft -f`.
    Nftables,
    /// An iptables-restore file for `iptables-restore --noflush`.
    Iptables,
    /// A Windows PowerShell script of NetSecurity cmdlets.
    Powershell,
}

/// How the rules are to be written, beyond the rules themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ruleset {
    /// The table (nftables), chain (iptables) or group (PowerShell) everything goes into.
    pub table: String,
    /// The directions rules were asked for; a chain is written for each.
    pub direction: Direction,
    /// What happens to other traffic.
    pub policy: Policy,
    /// Whether loopback traffic is allowed whatever the rules say (with `--policy drop`).
    pub allow_loopback: bool,
    /// What was asked, for the file's header (already free of control characters).
    pub selection: String,
    /// The merged rules, in output order.
    pub rules: Vec<FirewallRule>,
}

impl Ruleset {
    /// The flows a chain is written for.
    pub fn flows(&self) -> Vec<Flow> {
        match self.direction {
            Direction::Inbound => vec![Flow::Inbound],
            Direction::Outbound => vec![Flow::Outbound],
            Direction::Both => vec![Flow::Inbound, Flow::Outbound],
        }
    }

    /// The rules of one flow, in order.
    pub fn rules_of(&self, flow: Flow) -> impl Iterator<Item = &FirewallRule> {
        self.rules.iter().filter(move |r| r.flow == flow)
    }

    /// The header every format starts with, as comment lines without their comment marker.
    pub fn header(&self, load: &str) -> Vec<String> {
        let services: std::collections::BTreeSet<(&str, &str)> =
            self.rules.iter().map(|r| (r.source.as_str(), r.service.as_str())).collect();
        let policy = match self.policy {
            Policy::Accept => "policy accept: the rules allow, other traffic is left to the rest of the firewall",
            Policy::Drop => "policy drop: replies, then the rules, then everything else is dropped",
        };
        vec![
            format!(
                "kbingest firewall: {} for {} ({})",
                count(self.rules.len(), "rule"),
                count(services.len(), "service"),
                self.selection
            ),
            format!("{policy}."),
            "Every rule names its service, source document and source line(s).".into(),
            trace::one_line(load),
        ]
    }
}

/// `1 rule`, `2 rules`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// Renders a ruleset in the language asked for.
pub fn render(ruleset: &Ruleset, format: FirewallFormat) -> String {
    match format {
        FirewallFormat::Nftables => nftables::render(ruleset),
        FirewallFormat::Iptables => iptables::render(ruleset),
        FirewallFormat::Powershell => powershell::render(ruleset),
    }
}

/// The default table name for a format: `kbingest`, or `KBINGEST` for iptables, whose chains
/// are by custom upper case.
pub fn default_table(format: FirewallFormat) -> &'static str {
    match format {
        FirewallFormat::Iptables => "KBINGEST",
        _ => "kbingest",
    }
}

/// Whether `name` can name a table, chain and group in every language: a letter, then up to 23
/// letters, digits or underscores (iptables chain names are at most 28 bytes, and kbingest
/// appends `_OUT` for the outbound chain).
pub fn valid_table_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.len() <= 24
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_plain_identifiers() {
        assert!(valid_table_name("kbingest"));
        assert!(valid_table_name("DC_rules2"));
        for bad in ["", "1abc", "a b", "a-b", "a\"b", "x;y", &"a".repeat(25)] {
            assert!(!valid_table_name(bad), "{bad:?}");
        }
    }
}
