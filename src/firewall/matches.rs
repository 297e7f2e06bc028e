//! What one rule matches, per address family, in words every renderer then spells its own way:
//! the transport and ports (or ICMP type, or IP protocol), and on a gateway the servers' addresses.
//! Decided here once, so that nftables, iptables and ip6tables open the same things.

use super::address::{Family, Network};
use super::merge::{Flow, Protocol};
use super::{Chain, FirewallRule, Settings, icmp};

/// The layer-4 part of a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum L4 {
    /// TCP to these ports.
    Tcp(Vec<(u16, u16)>),
    /// UDP to these ports.
    Udp(Vec<(u16, u16)>),
    /// ICMP (IPv4) of this type, or of every type.
    Icmp(Option<u8>),
    /// ICMPv6 of this type, or of every type.
    Icmpv6(Option<u8>),
    /// An IP protocol without ports, by number.
    Protocol(u8),
    /// IPsec AH over IPv6, an extension header the kernel reads past when it looks for the
    /// protocol, so it is matched as a header.
    AuthHeader6,
}

/// Which address of the packet a gateway rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The destination: traffic to the servers.
    Destination,
    /// The source: traffic from the servers.
    Source,
}

/// One match of a rule: for one family or (`None`) for both alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// The family, or `None` where the match is the same for both.
    pub family: Option<Family>,
    /// On a gateway, the servers' networks of this family and which address they are.
    pub peer: Option<(Side, Vec<Network>)>,
    /// The transport and ports.
    pub l4: L4,
}

/// The matches of a rule: one for both families where they match alike on a host, else one per
/// family (ICMP and ICMPv6; on a gateway, each family's servers).
pub fn of(rule: &FirewallRule, settings: &Settings) -> Vec<Match> {
    let families: Vec<Family> = match settings.chain {
        Chain::Input => Family::ALL.to_vec(),
        Chain::Forward => Family::ALL.into_iter().filter(|f| settings.to.iter().any(|n| n.family() == *f)).collect(),
    };
    let side = match rule.flow {
        Flow::Inbound => Side::Destination,
        Flow::Outbound => Side::Source,
    };
    let mut matches: Vec<Match> = families
        .into_iter()
        .filter_map(|family| {
            let l4 = l4(rule, family)?;
            let peer = (settings.chain == Chain::Forward)
                .then(|| (side, settings.to.iter().copied().filter(|n| n.family() == family).collect()));
            Some(Match { family: Some(family), peer, l4 })
        })
        .collect();
    if let [a, b] = matches.as_slice()
        && a.peer.is_none()
        && a.l4 == b.l4
    {
        matches = vec![Match { family: None, peer: None, l4: a.l4.clone() }];
    }
    matches
}

/// The layer-4 match of a rule in one family; `None` where the family has no counterpart (an
/// ICMP type with no ICMPv6 equivalent).
fn l4(rule: &FirewallRule, family: Family) -> Option<L4> {
    Some(match (rule.protocol, family) {
        (Protocol::Tcp, _) => L4::Tcp(rule.ranges()),
        (Protocol::Udp, _) => L4::Udp(rule.ranges()),
        (Protocol::Icmp(t), Family::V4) => L4::Icmp(t),
        (Protocol::Icmp(None), Family::V6) => L4::Icmpv6(None),
        (Protocol::Icmp(Some(t)), Family::V6) => L4::Icmpv6(Some(icmp::v6_counterpart(t)?)),
        (Protocol::Other(51), Family::V6) => L4::AuthHeader6,
        (Protocol::Other(n), _) => L4::Protocol(n),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firewall::sample::ruleset;
    use crate::firewall::{Policy, Protocol};

    #[test]
    fn on_a_host_ports_match_once_for_both_families_and_icmp_twice() {
        let set = ruleset(Policy::Accept);
        let dns = &set.rules[0];
        assert_eq!(of(dns, &set.settings), [Match { family: None, peer: None, l4: L4::Tcp(vec![(53, 53)]) }]);
        let echo = set.rules.iter().find(|r| matches!(r.protocol, Protocol::Icmp(_))).unwrap();
        let l4: Vec<L4> = of(echo, &set.settings).into_iter().map(|m| m.l4).collect();
        assert_eq!(l4, [L4::Icmp(Some(8)), L4::Icmpv6(Some(128))]);
    }

    #[test]
    fn on_a_gateway_each_family_matches_its_own_servers() {
        let mut set = ruleset(Policy::Drop);
        set.settings.chain = Chain::Forward;
        set.settings.to = vec!["10.0.2.0/24".parse().unwrap()];
        let matches = of(&set.rules[0], &set.settings);
        assert_eq!(matches.len(), 1, "no IPv6 servers named: {matches:?}");
        assert_eq!(matches[0].peer, Some((Side::Destination, set.settings.to.clone())));
        set.settings.to.push("fd00:2::/64".parse().unwrap());
        let families: Vec<Option<Family>> = of(&set.rules[0], &set.settings).iter().map(|m| m.family).collect();
        assert_eq!(families, [Some(Family::V4), Some(Family::V6)]);
    }
}
