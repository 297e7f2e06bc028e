//! What a rule set does with the first packet of a new connection: a pure function of the rule
//! set, the traffic reviewed (inbound to this host, or forwarded to an address) and the packet.
//!
//! The packet is walked through the base chains of its hook in priority order, as the kernel
//! does: in each, rules in order, following jumps (and coming back), gotos (not coming back) and
//! returns, until a verdict; an accept ends that chain only, a drop or reject is final. A
//! condition kbingest cannot decide (an interface, a source address) makes both ways possible:
//! the answer is then `Depends` on that rule, unless both ways end alike.

use super::model::{Action, Condition, CtState, Family, Hook, RuleSet};
use super::ports::PortSet;
use std::collections::BTreeSet;
use std::net::IpAddr;

/// Which traffic is reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Traffic {
    /// New connections to this host, from the network (not the loopback interface).
    Inbound,
    /// New connections routed through this host to this address (`--to`).
    Forward(IpAddr),
}

/// The first packet of a new connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet {
    /// Its address family.
    pub family: Family,
    /// Its IP protocol number.
    pub protocol: u8,
    /// Its destination port (ICMP: its type); `None` for a port not known (a dynamic port the
    /// document gives no range for) or a protocol without ports.
    pub port: Option<u16>,
    /// The Windows Firewall port keyword the port answers to, if any: `RPC` for a port the RPC
    /// service allocated (a dynamic port of the documents).
    pub keyword: Option<&'static str>,
}

/// The IP protocols whose packets carry ports (TCP, UDP, DCCP, SCTP, UDP-Lite).
pub const PORTED: [u8; 5] = [6, 17, 33, 132, 136];

/// The protocols whose packets carry an ICMP type (ICMP, ICMPv6).
pub const ICMP: [u8; 2] = [1, 58];

/// What decided: a rule, a chain's policy, or nothing at all (no chain on the hook).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Decider {
    /// The rule at this index of the chain at this index.
    Rule { chain: usize, rule: usize },
    /// The policy of the chain at this index.
    Policy { chain: usize },
    /// No chain of the rule set sees the packet: the kernel lets it through.
    Unfiltered,
}

/// What happens to a packet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// It reaches its destination; the rule (or policy) that let it.
    Accepted(Decider),
    /// It is dropped or rejected; by what.
    Blocked(Decider),
    /// It depends on conditions kbingest cannot decide: the rules that hold them (in order).
    Depends(Vec<Decider>),
}

/// The packet's fate in `set`, whose chains must not jump in a circle (the readers refuse such
/// rule sets: [`super::check_loops`]).
pub fn evaluate(set: &RuleSet, traffic: Traffic, packet: Packet) -> Outcome {
    let walker = Walker { set, traffic, packet };
    walker.hook(&base_chains(set, traffic, packet.family)).outcome()
}

/// Each port (ICMP type) of `space` with the packet's fate, as ranges of ports that fare alike,
/// in order. Every port of a range passes every rule's port test alike, so one walk per range.
pub fn evaluate_ports(set: &RuleSet, traffic: Traffic, packet: Packet, space: &PortSet) -> Vec<(u16, u16, Outcome)> {
    // Where a port test begins or ends, among the rules this packet can meet.
    let mut cuts: BTreeSet<u32> = BTreeSet::new();
    for chain in reachable(set, &base_chains(set, traffic, packet.family)) {
        for rule in &set.chains[chain].rules {
            let other_protocol = rule.conditions.iter().any(|c| {
                matches!(c, Condition::Protocol { protocols, negated: false } if !protocols.contains(&packet.protocol))
            });
            if other_protocol {
                continue;
            }
            for condition in &rule.conditions {
                let ports = match condition {
                    Condition::DestPort { ports, .. } if PORTED.contains(&packet.protocol) => ports,
                    Condition::IcmpType { types, .. } if ICMP.contains(&packet.protocol) => types,
                    _ => continue,
                };
                for &(low, high) in ports.ranges() {
                    cuts.insert(u32::from(low));
                    cuts.insert(u32::from(high) + 1);
                }
            }
        }
    }
    let mut out: Vec<(u16, u16, Outcome)> = Vec::new();
    for &(low, high) in space.ranges() {
        let mut from = u32::from(low);
        while from <= u32::from(high) {
            let to = cuts.range(from + 1..).next().map_or(u32::from(high), |&c| (c - 1).min(u32::from(high)));
            let outcome = evaluate(set, traffic, Packet { port: Some(from as u16), ..packet });
            match out.last_mut() {
                Some(last) if u32::from(last.1) + 1 == from && last.2 == outcome => last.1 = to as u16,
                _ => out.push((from as u16, to as u16, outcome)),
            }
            from = to + 1;
        }
    }
    out
}

/// The chains `bases` lead to, themselves included, by jumps and gotos.
fn reachable(set: &RuleSet, bases: &[usize]) -> Vec<usize> {
    let mut seen = vec![false; set.chains.len()];
    let mut todo: Vec<usize> = bases.to_vec();
    while let Some(chain) = todo.pop() {
        if std::mem::replace(&mut seen[chain], true) {
            continue;
        }
        for rule in &set.chains[chain].rules {
            if let Action::Jump(target) | Action::Goto(target) = rule.action {
                todo.push(target);
            }
        }
    }
    (0..set.chains.len()).filter(|&c| seen[c]).collect()
}

/// The families the rule set filters for this traffic: those with a base chain on its hook.
pub fn families(set: &RuleSet, traffic: Traffic) -> Vec<Family> {
    Family::ALL.into_iter().filter(|&f| !base_chains(set, traffic, f).is_empty()).collect()
}

/// The base chains a packet of `family` passes through, in the order the kernel calls them.
pub fn base_chains(set: &RuleSet, traffic: Traffic, family: Family) -> Vec<usize> {
    let hooks: [Hook; 2] = match traffic {
        Traffic::Inbound => [Hook::Prerouting, Hook::Input],
        Traffic::Forward(_) => [Hook::Prerouting, Hook::Forward],
    };
    let mut chains: Vec<(Hook, i32, usize)> = set
        .chains
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let base = c.base.as_ref()?;
            (base.filter && hooks.contains(&base.hook) && c.families.has(family)).then_some((
                base.hook,
                base.priority,
                i,
            ))
        })
        .collect();
    chains.sort();
    chains.into_iter().map(|(_, _, i)| i).collect()
}

/// Whether a condition holds: yes, no, or kbingest cannot tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    Yes,
    No,
    Maybe,
}

fn truth(condition: &Condition, packet: &Packet, traffic: Traffic) -> Truth {
    let is = |b: bool| if b { Truth::Yes } else { Truth::No };
    match condition {
        Condition::Protocol { protocols, negated } => is(protocols.contains(&packet.protocol) != *negated),
        Condition::Family(f) => is(*f == packet.family),
        Condition::DestPort { ports, negated } => match packet.port {
            _ if !PORTED.contains(&packet.protocol) => Truth::No,
            None => Truth::Maybe,
            Some(port) => is(ports.contains(port) != *negated),
        },
        Condition::IcmpType { types, negated } => match packet.port {
            _ if !ICMP.contains(&packet.protocol) => Truth::No,
            None => Truth::Maybe,
            Some(t) => is(types.contains(t) != *negated),
        },
        Condition::State { states, negated } => is(states.contains(&CtState::New) != *negated),
        Condition::Loopback { negated } => is(*negated),
        Condition::DestAddress { networks, negated, .. } => match traffic {
            Traffic::Forward(to) => is(networks.iter().any(|n| n.contains(to)) != *negated),
            Traffic::Inbound => Truth::Maybe,
        },
        Condition::DestType { local, unicast, negated } => match traffic {
            Traffic::Inbound => is(*local != *negated),
            Traffic::Forward(_) => is(*unicast != *negated),
        },
        Condition::Always { holds, .. } => is(*holds),
        Condition::PortKeyword(keyword) => is(packet.keyword == Some(*keyword)),
        Condition::Unknown(_) => Truth::Maybe,
    }
}

/// The outcomes a walk can have: possibly accepted (by what), possibly blocked (by what), and
/// the rules whose undecided conditions made it branch.
#[derive(Debug, Clone, Default)]
struct Possible {
    accept: Option<Decider>,
    block: Option<Decider>,
    on: BTreeSet<Decider>,
}

impl Possible {
    fn accepted(by: Decider) -> Possible {
        Possible { accept: Some(by), ..Possible::default() }
    }

    fn blocked(by: Decider) -> Possible {
        Possible { block: Some(by), ..Possible::default() }
    }

    /// Either way, as a rule whose condition is undecided takes it: `matched` if it holds,
    /// `unmatched` if not. Where both ways end alike, the way without the rule is named.
    fn either(rule: Decider, matched: Possible, unmatched: Possible) -> Possible {
        let mut on = matched.on;
        on.extend(unmatched.on);
        let branches = (matched.accept.is_some() || unmatched.accept.is_some())
            && (matched.block.is_some() || unmatched.block.is_some());
        if branches {
            on.insert(rule);
        }
        Possible { accept: unmatched.accept.or(matched.accept), block: unmatched.block.or(matched.block), on }
    }

    fn outcome(self) -> Outcome {
        match (self.accept, self.block) {
            (Some(by), None) => Outcome::Accepted(by),
            (None, Some(by)) => Outcome::Blocked(by),
            _ => Outcome::Depends(self.on.into_iter().collect()),
        }
    }
}

/// How deep jumps may nest before kbingest gives up (the kernel allows 16 in nftables).
const MAX_DEPTH: usize = 64;

/// The walk, done backwards: the fate of a packet at each rule is worked out from its fate at the
/// next, starting from the chain's end, so that only jumps nest (a chain of 10,000 rules is a
/// loop, not 10,000 nested calls).
struct Walker<'a> {
    set: &'a RuleSet,
    traffic: Traffic,
    packet: Packet,
}

impl Walker<'_> {
    /// The fate of a packet entering the first of `bases`, the base chains of its hook in order.
    fn hook(&self, bases: &[usize]) -> Possible {
        let mut rest = Possible::accepted(Decider::Unfiltered);
        for &chain in bases.iter().rev() {
            let policy = Decider::Policy { chain };
            let end = match self.set.chains[chain].base.as_ref().is_some_and(|b| b.accepts) {
                true => then(policy, &rest),
                false => Possible::blocked(policy),
            };
            rest = self.chain(chain, &end, &rest, 0);
        }
        rest
    }

    /// The fate of a packet entering `chain`, given its fate at the chain's end (or a return)
    /// and its fate once the base chain it is in accepts it (`after`).
    fn chain(&self, chain: usize, end: &Possible, after: &Possible, depth: usize) -> Possible {
        let mut next = end.clone();
        for (index, rule) in self.set.chains[chain].rules.iter().enumerate().rev() {
            let by = Decider::Rule { chain, rule: index };
            let mut truth_of_rule = Truth::Yes;
            for condition in &rule.conditions {
                match truth(condition, &self.packet, self.traffic) {
                    Truth::No => {
                        truth_of_rule = Truth::No;
                        break;
                    }
                    Truth::Maybe => truth_of_rule = Truth::Maybe,
                    Truth::Yes => {}
                }
            }
            next = match truth_of_rule {
                Truth::No => next,
                Truth::Yes => self.act(by, &rule.action, &next, end, after, depth),
                Truth::Maybe => {
                    let matched = self.act(by, &rule.action, &next, end, after, depth);
                    Possible::either(by, matched, next)
                }
            };
        }
        next
    }

    /// What a matching rule's action does, given the fate from the next rule on (`next`), at
    /// the chain's end (`end`) and after an accept (`after`).
    fn act(
        &self,
        by: Decider,
        action: &Action,
        next: &Possible,
        end: &Possible,
        after: &Possible,
        depth: usize,
    ) -> Possible {
        let undecided = || Possible { accept: Some(by), block: Some(by), on: [by].into() };
        match action {
            Action::Accept => then(by, after),
            Action::Drop | Action::Reject => Possible::blocked(by),
            Action::Jump(_) | Action::Goto(_) if depth >= MAX_DEPTH => undecided(),
            Action::Jump(target) => self.chain(*target, next, after, depth + 1),
            Action::Goto(target) => self.chain(*target, end, after, depth + 1),
            Action::Return => end.clone(),
            Action::Continue => next.clone(),
            Action::Unknown(_) => undecided(),
        }
    }
}

/// Accepted by one base chain (`by`), then whatever the later ones do (`rest`). An accept names
/// the rule that let the packet through rather than a policy or the empty hook.
fn then(by: Decider, rest: &Possible) -> Possible {
    let mut out = rest.clone();
    out.accept = rest.accept.map(|later| match (by, later) {
        (Decider::Policy { .. }, Decider::Rule { .. }) => later,
        _ => by,
    });
    out
}
