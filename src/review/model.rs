//! A rule set as every reader reduces it: chains of rules, each rule a list of conditions and an
//! action, each carrying where it is in the file it came from. Nothing here knows nftables,
//! iptables or Windows Firewall; the evaluator reads only this.

pub use super::network::Network;
use super::ports::PortSet;

/// The two address families a packet can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

impl Family {
    /// Both families, IPv4 first.
    pub const ALL: [Family; 2] = [Family::V4, Family::V6];

    /// `IPv4`, `IPv6`.
    pub fn name(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
}

/// Which families a chain sees: nftables `inet` both, `ip` IPv4, `ip6` IPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Families {
    /// Whether IPv4 packets pass through the chain.
    pub v4: bool,
    /// Whether IPv6 packets pass through the chain.
    pub v6: bool,
}

impl Families {
    /// Both families.
    pub const BOTH: Families = Families { v4: true, v6: true };

    /// Only `family`.
    pub fn only(family: Family) -> Families {
        Families { v4: family == Family::V4, v6: family == Family::V6 }
    }

    /// Whether `family` passes through.
    pub fn has(self, family: Family) -> bool {
        match family {
            Family::V4 => self.v4,
            Family::V6 => self.v6,
        }
    }
}

/// Where in the network stack a base chain is attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hook {
    /// Before routing: every packet that arrives, to this host or through it.
    Prerouting,
    /// Packets to this host.
    Input,
    /// Packets routed through this host.
    Forward,
    /// Any other hook (output, postrouting, ingress): not on the way of inbound traffic.
    Other,
}

/// A chain the kernel calls for every packet at its hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// Where it is attached.
    pub hook: Hook,
    /// Lower runs first.
    pub priority: i32,
    /// Whether it filters (nftables `type filter`; iptables' filter, mangle, raw and security
    /// tables); NAT chains decide no verdict and are not evaluated.
    pub filter: bool,
    /// What happens to a packet that reaches the chain's end: accept (`true`) or drop.
    pub accepts: bool,
}

/// Where a rule, or a chain's policy, is in the rule set, for the report and for errors.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// 1-based line of the file it was read from.
    pub line: u32,
    /// How the rule set itself names it: `inet kbingest input handle 5`, `filter INPUT line 12`,
    /// `Windows rule "CoreNet-DNS-In"`.
    pub place: String,
    /// The rule's comment, description or display name, where it has one.
    pub comment: Option<String>,
}

/// Connection tracking states (`ct state`, `--ctstate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CtState {
    /// The first packet of a connection: what the review asks about.
    New,
    /// Established, related, invalid, untracked: never the first packet of a new connection.
    Other,
}

/// One thing a rule requires of a packet. A rule matches when all of its conditions hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// The IP protocol is one of these numbers (or, negated, none of them).
    Protocol { protocols: Vec<u8>, negated: bool },
    /// The packet is of this address family (`meta nfproto`, `ip saddr` in an `inet` table).
    Family(Family),
    /// The destination port is in the set (or, negated, outside it); never holds for a protocol
    /// without ports.
    DestPort { ports: PortSet, negated: bool },
    /// The ICMP (or ICMPv6) type is in the set, or outside it.
    IcmpType { types: PortSet, negated: bool },
    /// The connection tracking state is one of these, or none of them.
    State { states: Vec<CtState>, negated: bool },
    /// The packet arrives on the loopback interface (or, negated, on any other).
    Loopback { negated: bool },
    /// The destination address is in one of these networks, or none of them: decided with
    /// `--to`, unknown otherwise.
    DestAddress { networks: Vec<Network>, negated: bool, text: String },
    /// The destination address is of a type: `local` (an address of this host), `unicast` (one
    /// elsewhere), or (both false) broadcast, multicast or anycast (`fib daddr type`,
    /// `-m addrtype --dst-type`). Inbound traffic goes to a local address, forwarded traffic to
    /// a unicast one.
    DestType { local: bool, unicast: bool, negated: bool },
    /// Something decided when the rule set is read, about any new connection from a host that
    /// does not spoof its address and is not translated: a reverse-path check (`fib saddr ...
    /// oif missing`), `meta pkttype host`, `ct status dnat`.
    Always { holds: bool, text: String },
    /// A Windows Firewall port keyword standing for ports a service allocates as it runs: `RPC`
    /// (the RPC service's dynamic ports), `Teredo`, `PlayToDiscovery`. It holds only for a
    /// packet to such a port.
    PortKeyword(&'static str),
    /// Something kbingest cannot decide about a packet (an interface, a source address, a source
    /// port, a rate limit, an unknown match), in the rule set's own words.
    Unknown(String),
}

/// What a rule does with a packet it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Accepted by this chain (the next base chain on the hook still sees it).
    Accept,
    /// Dropped silently: final.
    Drop,
    /// Refused with an error sent back: final.
    Reject,
    /// Evaluate the chain at this index of [`RuleSet::chains`], then come back.
    Jump(usize),
    /// Evaluate the chain at this index instead, never coming back.
    Goto(usize),
    /// Go back to the chain that jumped here (the policy, in a base chain).
    Return,
    /// Nothing decided (a counter, a log line, a mark): the next rule.
    Continue,
    /// Something that decides the packet's fate in a way kbingest cannot follow (a queue to a
    /// program), in the rule set's words.
    Unknown(String),
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Where it is.
    pub origin: Origin,
    /// What it requires, all of it.
    pub conditions: Vec<Condition>,
    /// What it does.
    pub action: Action,
}

/// One chain: base (attached to a hook, with a policy) or a user chain (reached by jumps).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// How the rule set names the chain: `inet kbingest input`, `filter INPUT`.
    pub name: String,
    /// The families whose packets pass through it.
    pub families: Families,
    /// Set for a base chain.
    pub base: Option<Base>,
    /// Where the chain (and its policy) is declared.
    pub origin: Origin,
    /// Its rules, in order.
    pub rules: Vec<Rule>,
}

/// The rule set formats kbingest reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulesetFormat {
    /// `nft -j list ruleset`.
    NftJson,
    /// `iptables-save`, `ip6tables-save`, or both one after the other.
    IptablesSave,
    /// The PowerShell export of Windows Firewall rules, as JSON (docs/review.md).
    WindowsJson,
    /// `netsh advfirewall firewall show rule name=all verbose`.
    Netsh,
}

impl RulesetFormat {
    /// The format in words, for messages.
    pub fn name(self) -> &'static str {
        match self {
            RulesetFormat::NftJson => "nftables JSON",
            RulesetFormat::IptablesSave => "iptables-save",
            RulesetFormat::WindowsJson => "Windows Firewall JSON",
            RulesetFormat::Netsh => "netsh advfirewall listing",
        }
    }
}

/// A whole rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSet {
    /// What it was read from.
    pub format: RulesetFormat,
    /// Every chain; rules refer to chains by their index here.
    pub chains: Vec<Chain>,
    /// What the reader has to say about the rule set as a whole, for standard error.
    pub notes: Vec<String>,
}

impl RuleSet {
    /// Every port keyword a rule requires, with the protocols of the rules requiring it.
    pub fn port_keywords(&self) -> Vec<(&'static str, u8)> {
        let mut out = Vec::new();
        for (_, rule) in self.rules() {
            for condition in &rule.conditions {
                let Condition::PortKeyword(keyword) = condition else { continue };
                let protocols = rule.conditions.iter().find_map(|c| match c {
                    Condition::Protocol { protocols, negated: false } => Some(protocols.clone()),
                    _ => None,
                });
                for p in protocols.unwrap_or_else(|| vec![6, 17]) {
                    if !out.contains(&(*keyword, p)) {
                        out.push((*keyword, p));
                    }
                }
            }
        }
        out
    }

    /// Every rule with the index of its chain.
    pub fn rules(&self) -> impl Iterator<Item = (usize, &Rule)> {
        self.chains.iter().enumerate().flat_map(|(i, c)| c.rules.iter().map(move |r| (i, r)))
    }
}
