//! Comparing the port rules of one service in two editions, on transport and ports.

use super::pair::{loose, pair_by, pair_with};
use super::{Change, Rule};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

/// One rule of the comparison: an old rule, a new rule, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RulePair {
    /// What became of the rule.
    pub change: Change,
    /// Its index among the old rules, if it has an old side.
    pub old: Option<usize>,
    /// Its index among the new rules, if it has a new side.
    pub new: Option<usize>,
}

/// A rule's ports: first, last, and port kind.
pub type Ports = (Option<i64>, Option<i64>, String);

/// How the ports of a `changed` rule changed: its transport, old ports and new ports (1025-5000
/// dynamic to 49152-65535 dynamic, over TCP).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortChange {
    /// The transport of both rules.
    pub transport: Option<String>,
    /// The old rule's ports.
    pub old: Ports,
    /// The new rule's ports.
    pub new: Ports,
}

impl PortChange {
    /// The change from `old` to `new`, rules of one transport.
    pub fn of(old: &Rule, new: &Rule) -> PortChange {
        PortChange { transport: old.transport.clone(), old: ports_of(old), new: ports_of(new) }
    }

    /// Whether `rule` could be this change's old rule.
    fn from(&self, rule: &Rule) -> bool {
        rule.transport == self.transport && ports_of(rule) == self.old
    }

    /// Whether `rule` could be this change's new rule.
    fn to(&self, rule: &Rule) -> bool {
        rule.transport == self.transport && ports_of(rule) == self.new
    }
}

fn ports_of(rule: &Rule) -> Ports {
    (rule.port_low, rule.port_high, rule.port_kind.clone())
}

/// The distinct port changes of the `changed` rules of a comparison (each an old rule and its new
/// one), the most frequent first; equally frequent ones in an order that does not depend on which
/// side is old.
pub fn port_changes<'a>(changed: impl IntoIterator<Item = (&'a Rule, &'a Rule)>) -> Vec<PortChange> {
    let mut counts: BTreeMap<PortChange, usize> = BTreeMap::new();
    for (old, new) in changed {
        *counts.entry(PortChange::of(old, new)).or_default() += 1;
    }
    let mut changes: Vec<(PortChange, usize)> = counts.into_iter().collect();
    changes.sort_by_cached_key(|(change, count)| {
        let mut both = [change.old.clone(), change.new.clone()];
        both.sort();
        (Reverse(*count), change.transport.clone(), both)
    });
    changes.into_iter().map(|(change, _)| change).collect()
}

/// Compares the rules of one service. A rule is `unchanged` where the other edition has a rule of
/// the same transport, ports and port kind (one of the same application protocol first, then any).
/// Of the rest, a removed and an added rule of the same transport and application protocol pair
/// up as `changed`, those of the same port kind first, each side from its highest ports down, so
/// that an old dynamic range pairs with the range that succeeded it (1025-5000 with 49152-65535
/// rather than with 1024-65535). Then a removed and an added rule of the same transport whose
/// ports changed as one of `changes` did (see [`port_changes`]) pair up as `changed` whatever their
/// application protocols are called, the first of `changes` first. What is left is `removed` or
/// `added`.
///
/// Transports compare as values, a missing one (`None`) included; application protocols ignore
/// case, punctuation and white space.
pub fn compare_rules(old: &[Rule], new: &[Rule], changes: &[PortChange]) -> Vec<RulePair> {
    let mut unpaired_old: Vec<usize> = (0..old.len()).collect();
    let mut unpaired_new: Vec<usize> = (0..new.len()).collect();
    let mut pairs = Vec::new();
    let mut step = |change: Change, pairs_found: Vec<(usize, usize)>| {
        pairs.extend(pairs_found.into_iter().map(|(o, n)| RulePair { change, old: Some(o), new: Some(n) }));
    };
    let ports = |r: &Rule| (r.transport.clone(), r.port_low, r.port_high, r.port_kind.clone());
    let highest_first = |r: &Rule| (Reverse((r.port_high, r.port_low)), r.line);
    step(
        Change::Unchanged,
        pair_by(
            (old, &mut unpaired_old),
            (new, &mut unpaired_new),
            |r| Some((ports(r), loose(&r.application_protocol))),
            |r| r.line,
        ),
    );
    step(
        Change::Unchanged,
        pair_by(
            (old, &mut unpaired_old),
            (new, &mut unpaired_new),
            |r| Some(ports(r)),
            |r| (loose(&r.application_protocol), r.line),
        ),
    );
    step(
        Change::Changed,
        pair_by(
            (old, &mut unpaired_old),
            (new, &mut unpaired_new),
            |r| Some((r.transport.clone(), loose(&r.application_protocol), r.port_kind.clone())),
            highest_first,
        ),
    );
    step(
        Change::Changed,
        pair_by(
            (old, &mut unpaired_old),
            (new, &mut unpaired_new),
            |r| Some((r.transport.clone(), loose(&r.application_protocol))),
            highest_first,
        ),
    );
    // Only the changes that some unpaired rules of each side could make.
    let old_ports: BTreeSet<(Option<String>, Ports)> =
        unpaired_old.iter().map(|&o| (old[o].transport.clone(), ports_of(&old[o]))).collect();
    let new_ports: BTreeSet<(Option<String>, Ports)> =
        unpaired_new.iter().map(|&n| (new[n].transport.clone(), ports_of(&new[n]))).collect();
    for change in changes {
        if !old_ports.contains(&(change.transport.clone(), change.old.clone()))
            || !new_ports.contains(&(change.transport.clone(), change.new.clone()))
        {
            continue;
        }
        let found = pair_with(
            (old, &mut unpaired_old),
            (new, &mut unpaired_new),
            (&|r: &Rule| change.from(r).then_some(()), &|r: &Rule| change.to(r).then_some(())),
            |r| r.line,
        );
        step(Change::Changed, found);
    }
    pairs.extend(unpaired_old.into_iter().map(|o| RulePair { change: Change::Removed, old: Some(o), new: None }));
    pairs.extend(unpaired_new.into_iter().map(|n| RulePair { change: Change::Added, old: None, new: Some(n) }));
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(application_protocol: &str, transport: Option<&str>, ports: Option<(i64, i64)>, kind: &str) -> Rule {
        Rule {
            application_protocol: application_protocol.into(),
            transport: transport.map(String::from),
            port_low: ports.map(|p| p.0),
            port_high: ports.map(|p| p.1),
            port_kind: kind.into(),
            line: 1,
        }
    }

    fn changes(pairs: &[RulePair]) -> Vec<(Change, Option<usize>, Option<usize>)> {
        let mut all: Vec<_> = pairs.iter().map(|p| (p.change, p.old, p.new)).collect();
        all.sort();
        all
    }

    #[test]
    fn same_transport_and_ports_is_unchanged_whatever_the_application_protocol_is_called() {
        let old = [rule("IPSec ISAKMP", Some("UDP"), Some((500, 500)), "fixed")];
        let new = [rule("IPsec ISAKMP", Some("UDP"), Some((500, 500)), "fixed")];
        assert_eq!(changes(&compare_rules(&old, &new, &[])), vec![(Change::Unchanged, Some(0), Some(0))]);
        let renamed = [rule("Internet Key Exchange", Some("UDP"), Some((500, 500)), "fixed")];
        assert_eq!(changes(&compare_rules(&old, &renamed, &[])), vec![(Change::Unchanged, Some(0), Some(0))]);
    }

    #[test]
    fn a_moved_dynamic_range_pairs_with_its_successor() {
        let old = [
            rule("RPC", Some("TCP"), Some((135, 135)), "fixed"),
            rule("High", Some("TCP"), Some((1025, 5000)), "dynamic"),
        ];
        let new = [
            rule("RPC", Some("TCP"), Some((135, 135)), "fixed"),
            rule("High", Some("TCP"), Some((1024, 65535)), "dynamic"),
            rule("High", Some("TCP"), Some((49152, 65535)), "dynamic"),
        ];
        assert_eq!(
            changes(&compare_rules(&old, &new, &[])),
            vec![
                (Change::Added, None, Some(1)),
                (Change::Changed, Some(1), Some(2)),
                (Change::Unchanged, Some(0), Some(0)),
            ]
        );
    }

    #[test]
    fn other_transports_or_application_protocols_do_not_pair() {
        let old =
            [rule("SMTP", Some("UDP"), Some((25, 25)), "fixed"), rule("LDAP", Some("TCP"), Some((389, 389)), "fixed")];
        let new = [
            rule("SMTP", Some("TCP"), Some((25, 25)), "fixed"),
            rule("Kerberos", Some("TCP"), Some((88, 88)), "fixed"),
        ];
        assert_eq!(
            changes(&compare_rules(&old, &new, &[])),
            vec![
                (Change::Added, None, Some(0)),
                (Change::Added, None, Some(1)),
                (Change::Removed, Some(0), None),
                (Change::Removed, Some(1), None),
            ]
        );
    }

    #[test]
    fn a_rule_without_transport_matches_only_one_without_transport() {
        let old = [rule("Web", None, Some((80, 80)), "fixed")];
        let new = [rule("Web", Some("TCP"), Some((80, 80)), "fixed"), rule("Web", None, Some((80, 80)), "fixed")];
        assert_eq!(
            changes(&compare_rules(&old, &new, &[])),
            vec![(Change::Added, None, Some(0)), (Change::Unchanged, Some(0), Some(1))]
        );
    }

    #[test]
    fn a_changed_port_kind_is_a_change() {
        let old = [rule("RPC", Some("TCP"), Some((1025, 5000)), "range")];
        let new = [rule("RPC", Some("TCP"), Some((1025, 5000)), "dynamic")];
        assert_eq!(changes(&compare_rules(&old, &new, &[])), vec![(Change::Changed, Some(0), Some(0))]);
    }

    #[test]
    fn repeated_rules_pair_one_to_one() {
        let r = || rule("DNS", Some("UDP"), Some((53, 53)), "fixed");
        assert_eq!(
            changes(&compare_rules(&[r(), r()], &[r()], &[])),
            vec![(Change::Removed, Some(1), None), (Change::Unchanged, Some(0), Some(0))]
        );
    }

    #[test]
    fn renamed_rules_pair_where_their_ports_changed_as_others_did() {
        let dynamic = |name: &str, low, high| rule(name, Some("TCP"), Some((low, high)), "dynamic");
        let old = [dynamic("Randomly allocated high TCP ports", 1025, 5000), dynamic("DCOM", 1025, 5000)];
        let new = [
            dynamic("RPC randomly allocated high TCP ports", 1024, 5000),
            dynamic("RPC randomly allocated high TCP ports", 49152, 65535),
            rule("DCOM", Some("UDP"), Some((49152, 65535)), "dynamic"),
        ];
        assert_eq!(compare_rules(&old, &new, &[]).iter().filter(|p| p.change == Change::Changed).count(), 0);
        // Elsewhere 1025-5000 became 49152-65535 most often, and 1025-5000 became 1024-5000 once.
        let elsewhere = [
            (dynamic("x", 1025, 5000), dynamic("x", 1024, 5000)),
            (dynamic("y", 1025, 5000), dynamic("y", 49152, 65535)),
            (dynamic("z", 1025, 5000), dynamic("z", 49152, 65535)),
        ];
        let seen = port_changes(elsewhere.iter().map(|(o, n)| (o, n)));
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].new, (Some(49152), Some(65535), "dynamic".to_string()));
        assert_eq!(
            changes(&compare_rules(&old, &new, &seen)),
            vec![
                (Change::Added, None, Some(2)),
                (Change::Changed, Some(0), Some(1)),
                (Change::Changed, Some(1), Some(0)),
            ],
            "the most frequent change first, then the other; never across transports"
        );
    }

    #[test]
    fn port_changes_read_the_same_both_ways() {
        let r = |low, high| rule("x", Some("TCP"), Some((low, high)), "dynamic");
        let forward = [(r(1, 2), r(3, 4)), (r(5, 6), r(7, 8)), (r(5, 6), r(7, 8))];
        let backward: Vec<(Rule, Rule)> = forward.iter().map(|(o, n)| (n.clone(), o.clone())).collect();
        let flip = |c: PortChange| PortChange { old: c.new, new: c.old, ..c };
        let there = port_changes(forward.iter().map(|(o, n)| (o, n)));
        let back: Vec<PortChange> = port_changes(backward.iter().map(|(o, n)| (o, n))).into_iter().map(flip).collect();
        assert_eq!(there, back);
        assert_eq!(there[0].old.0, Some(5), "the more frequent first");
    }
}
