//! What the user asks of `kbingest firewall`, decided once from the command line: which rows
//! ([`Request`]) and how they are written ([`Settings`]), with the parsers of the values that
//! are more than a word (`--dynamic-range`, `--keep-port`, `--allow-wide`).

use super::address::Network;
use super::select::Selection;
use crate::normalize::LEGACY_DYNAMIC_RANGE;
use crate::normalize::wide::MODERN_DYNAMIC_RANGE;

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
    /// A default-deny policy: replies, loopback, what IPv6 needs, the selected rules, then drop.
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
    /// An nftables ruleset for `nft -f`, IPv4 and IPv6 in one `inet` table.
    Nftables,
    /// An iptables-restore file for `iptables-restore --noflush`: IPv4.
    Iptables,
    /// An ip6tables-restore file for `ip6tables-restore --noflush`: IPv6.
    Ip6tables,
    /// A Windows PowerShell script of NetSecurity cmdlets.
    Powershell,
}

/// Where the rules filter (`--chain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chain {
    /// Traffic to and from this host (the input chain, and output for outbound rows).
    Input,
    /// Traffic a Linux gateway forwards to and from the servers named with `--to`.
    Forward,
}

/// Which dynamic range to open where a page leaves the choice (`--dynamic-range`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DynamicRange {
    /// Where a page gives alternatives, the newer systems' (49152-65535); where it states none,
    /// 49152-65535.
    Modern,
    /// Where a page gives alternatives, the older systems'; where it states none, 1025-5000.
    Legacy,
    /// This range for every dynamic row, whatever the page says (the hosts' own setting).
    Range(u16, u16),
}

impl DynamicRange {
    /// The range opened for a dynamic row that states none.
    pub fn unstated(self) -> (u16, u16) {
        match self {
            DynamicRange::Modern => MODERN_DYNAMIC_RANGE,
            DynamicRange::Legacy => LEGACY_DYNAMIC_RANGE,
            DynamicRange::Range(low, high) => (low, high),
        }
    }

    /// How the command line spells it: `modern`, `legacy`, `50000-50999`.
    pub fn name(self) -> String {
        match self {
            DynamicRange::Modern => "modern".into(),
            DynamicRange::Legacy => "legacy".into(),
            DynamicRange::Range(low, high) => format!("{low}-{high}"),
        }
    }
}

impl std::str::FromStr for DynamicRange {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text.to_ascii_lowercase().as_str() {
            "modern" => Ok(DynamicRange::Modern),
            "legacy" => Ok(DynamicRange::Legacy),
            _ => parse_range(text)
                .map(|(low, high)| DynamicRange::Range(low, high))
                .map_err(|e| format!("{e}; or modern (49152-65535) or legacy (1025-5000)")),
        }
    }
}

/// Which ICMP types a row naming ICMP without a type opens (`--icmp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IcmpTypes {
    /// Echo request (ping): ICMP type 8, ICMPv6 type 128.
    Echo,
    /// Every type.
    All,
}

/// A port the user keeps open under `--policy drop` (`--keep-port 22/tcp`), whatever the
/// documents say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeepPort {
    /// The port.
    pub port: u16,
    /// `true` for TCP, `false` for UDP.
    pub tcp: bool,
}

impl KeepPort {
    /// `22/tcp`.
    pub fn name(self) -> String {
        format!("{}/{}", self.port, if self.tcp { "tcp" } else { "udp" })
    }
}

impl std::str::FromStr for KeepPort {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let (port, protocol) =
            text.split_once('/').ok_or_else(|| "expected PORT/tcp or PORT/udp, e.g. 22/tcp".to_string())?;
        let tcp = match protocol.to_ascii_lowercase().as_str() {
            "tcp" => true,
            "udp" => false,
            _ => return Err(format!("{protocol:?} is not tcp or udp")),
        };
        let port = port_number(port)?;
        Ok(KeepPort { port, tcp })
    }
}

/// `LOW-HIGH` (or one port) as a range of ports, low first.
pub fn parse_range(text: &str) -> Result<(u16, u16), String> {
    let (low, high) = text.split_once('-').unwrap_or((text, text));
    let (low, high) = (port_number(low)?, port_number(high)?);
    if low > high {
        return Err(format!("{low}-{high} ends before it starts; expected LOW-HIGH, e.g. 49152-65535"));
    }
    Ok((low, high))
}

fn port_number(text: &str) -> Result<u16, String> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{text:?} is not a port number"));
    }
    text.parse().map_err(|_| format!("{text} is not a port number (0-65535)"))
}

/// How the rules are written, beyond the rules themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The table (nftables), chain (iptables) or group (PowerShell) everything goes into.
    pub table: String,
    /// The directions rules were asked for.
    pub direction: Direction,
    /// What happens to other traffic.
    pub policy: Policy,
    /// Whether loopback traffic is accepted under `--policy drop` (unless `--drop-loopback`).
    pub loopback: bool,
    /// Ports kept open under `--policy drop`, the user's choice.
    pub keep: Vec<KeepPort>,
    /// Where the rules filter.
    pub chain: Chain,
    /// The servers behind the gateway, with `--chain forward`.
    pub to: Vec<Network>,
}

impl Settings {
    /// Plain settings: inbound, policy accept, loopback accepted, the input chain.
    pub fn new(table: &str) -> Settings {
        Settings {
            table: table.into(),
            direction: Direction::Inbound,
            policy: Policy::Accept,
            loopback: true,
            keep: Vec::new(),
            chain: Chain::Input,
            to: Vec::new(),
        }
    }
}

/// Everything `kbingest firewall` is asked, decided once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Which services and source.
    pub selection: Selection,
    /// Whether rows of several sources may be merged (`--all-sources`).
    pub all_sources: bool,
    /// The transport for rows that give none.
    pub assume: Option<AssumeTransport>,
    /// Which dynamic range to open.
    pub dynamic: DynamicRange,
    /// Which ICMP types a row without a type opens.
    pub icmp: IcmpTypes,
    /// Wide ranges the user allows (`--allow-wide`).
    pub allow_wide: Vec<(u16, u16)>,
    /// How the rules are written.
    pub settings: Settings,
}

impl Request {
    /// Every row, with the defaults of the command line, written with `settings`.
    pub fn new(settings: Settings) -> Request {
        Request {
            selection: Selection::default(),
            all_sources: false,
            assume: None,
            dynamic: DynamicRange::Modern,
            icmp: IcmpTypes::Echo,
            allow_wide: Vec::new(),
            settings,
        }
    }
}

/// The default table name for a format: `kbingest`, or `KBINGEST` for iptables and ip6tables,
/// whose chains are by custom upper case.
pub fn default_table(format: FirewallFormat) -> &'static str {
    match format {
        FirewallFormat::Iptables | FirewallFormat::Ip6tables => "KBINGEST",
        _ => "kbingest",
    }
}

/// Whether `name` can name a table, chain and group in every language: a letter, then up to 23
/// letters, digits or underscores (iptables chain names are at most 28 bytes, and kbingest
/// appends `_OUT` or `_FWD` for the outbound and forward chains).
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

    #[test]
    fn dynamic_ranges_keep_ports_and_ranges_parse_or_say_why() {
        assert_eq!("Modern".parse(), Ok(DynamicRange::Modern));
        assert_eq!("legacy".parse(), Ok(DynamicRange::Legacy));
        assert_eq!("50000-50999".parse(), Ok(DynamicRange::Range(50000, 50999)));
        assert!("5000-1000".parse::<DynamicRange>().unwrap_err().contains("ends before it starts"));
        assert!("newest".parse::<DynamicRange>().unwrap_err().contains("or modern (49152-65535)"));
        assert_eq!("22/tcp".parse(), Ok(KeepPort { port: 22, tcp: true }));
        assert_eq!("161/UDP".parse::<KeepPort>().map(KeepPort::name), Ok("161/udp".to_string()));
        for bad in ["22", "22/sctp", "x/tcp", "70000/tcp", "-1/tcp"] {
            assert!(bad.parse::<KeepPort>().is_err(), "{bad}");
        }
        assert_eq!(parse_range("1024-65535"), Ok((1024, 65535)));
        assert_eq!(parse_range("53"), Ok((53, 53)));
        assert!(parse_range("1-65536").is_err());
        assert!(parse_range("+1-5").is_err());
    }
}
