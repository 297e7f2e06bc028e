//! The rules a default-deny policy needs before the documents' own, so that the host keeps
//! working: replies and related traffic, loopback, the ICMPv6 messages IPv6 needs, and the ports
//! the user keeps open. Decided here once per chain; each renderer spells them.

use super::icmp::{RFC4890, Rfc4890};
use super::merge::Flow;
use super::{Chain, Direction, KeepPort, Policy, Settings};

/// A chain kbingest writes, by the kernel hook it filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    /// Traffic to this host.
    Input,
    /// Traffic from this host.
    Output,
    /// Traffic a gateway forwards.
    Forward,
}

impl Hook {
    /// The hook's name in nftables, and the lower-case iptables chain.
    pub fn name(self) -> &'static str {
        match self {
            Hook::Input => "input",
            Hook::Output => "output",
            Hook::Forward => "forward",
        }
    }
}

/// One rule of the policy itself (its comment starts `kbingest:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// Replies and related traffic (connection tracking).
    Established,
    /// The loopback interface.
    Loopback,
    /// A group of ICMPv6 messages RFC 4890 says must not be dropped, with their types.
    Icmpv6(Rfc4890, &'static [u8]),
    /// A port the user keeps open.
    Keep(KeepPort),
}

impl Base {
    /// The rule's comment.
    pub fn comment(self) -> String {
        match self {
            Base::Established => "kbingest: replies and related traffic".into(),
            Base::Loopback => "kbingest: loopback (--drop-loopback drops it)".into(),
            Base::Icmpv6(group, _) => group.comment().into(),
            Base::Keep(keep) => format!("kbingest: --keep-port {}, the user's choice, not a document's", keep.name()),
        }
    }
}

/// The chains written, each with the flows of rules it holds.
pub fn hooks(settings: &Settings) -> Vec<(Hook, Vec<Flow>)> {
    let flows: Vec<Flow> = match settings.direction {
        Direction::Inbound => vec![Flow::Inbound],
        Direction::Outbound => vec![Flow::Outbound],
        Direction::Both => vec![Flow::Inbound, Flow::Outbound],
    };
    match settings.chain {
        Chain::Forward => vec![(Hook::Forward, flows)],
        Chain::Input => flows
            .into_iter()
            .map(|flow| match flow {
                Flow::Inbound => (Hook::Input, vec![flow]),
                Flow::Outbound => (Hook::Output, vec![flow]),
            })
            .collect(),
    }
}

/// The policy's own rules for a chain, in order: none under `--policy accept`.
pub fn rules(settings: &Settings, hook: Hook) -> Vec<Base> {
    if settings.policy == Policy::Accept {
        return Vec::new();
    }
    let mut rules = vec![Base::Established];
    if settings.loopback && hook != Hook::Forward {
        rules.push(Base::Loopback);
    }
    for (group, types) in RFC4890 {
        if hook != Hook::Forward || !group.on_link() {
            rules.push(Base::Icmpv6(group, types));
        }
    }
    if hook != Hook::Forward {
        rules.extend(settings.keep.iter().map(|k| Base::Keep(*k)));
    }
    rules
}
