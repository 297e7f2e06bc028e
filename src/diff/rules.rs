//! Comparing the port rules of one service in two editions, on transport and ports.

use super::pair::{loose, pair_by};
use super::{Change, Rule};
use std::cmp::Reverse;

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

/// Compares the rules of one service. A rule is `unchanged` where the other edition has a rule of
/// the same transport, ports and port kind (one of the same application protocol first, then any).
/// Of the rest, a removed and an added rule of the same transport and application protocol pair
/// up as `changed`, those of the same port kind first, each side from its highest ports down, so
/// that an old dynamic range pairs with the range that succeeded it (1025-5000 with 49152-65535
/// rather than with 1024-65535). What is left is `removed` or `added`.
///
/// Transports compare as values, a missing one (`None`) included; application protocols ignore
/// case, punctuation and white space.
pub fn compare_rules(old: &[Rule], new: &[Rule]) -> Vec<RulePair> {
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
        assert_eq!(changes(&compare_rules(&old, &new)), vec![(Change::Unchanged, Some(0), Some(0))]);
        let renamed = [rule("Internet Key Exchange", Some("UDP"), Some((500, 500)), "fixed")];
        assert_eq!(changes(&compare_rules(&old, &renamed)), vec![(Change::Unchanged, Some(0), Some(0))]);
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
            changes(&compare_rules(&old, &new)),
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
            changes(&compare_rules(&old, &new)),
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
            changes(&compare_rules(&old, &new)),
            vec![(Change::Added, None, Some(0)), (Change::Unchanged, Some(0), Some(1))]
        );
    }

    #[test]
    fn a_changed_port_kind_is_a_change() {
        let old = [rule("RPC", Some("TCP"), Some((1025, 5000)), "range")];
        let new = [rule("RPC", Some("TCP"), Some((1025, 5000)), "dynamic")];
        assert_eq!(changes(&compare_rules(&old, &new)), vec![(Change::Changed, Some(0), Some(0))]);
    }

    #[test]
    fn repeated_rules_pair_one_to_one() {
        let r = || rule("DNS", Some("UDP"), Some((53, 53)), "fixed");
        assert_eq!(
            changes(&compare_rules(&[r(), r()], &[r()])),
            vec![(Change::Removed, Some(1), None), (Change::Unchanged, Some(0), Some(0))]
        );
    }
}
