//! Rules that left one service and appeared under another: KB 832017 (2020) lists UDP 636 under
//! "Local Security Authority" in its closing summary, where the 2003 list had it under the
//! Local Security Authority (LSASS) section that KB 832017 calls "Active Directory (local security
//! authority)".
//!
//! A `removed` rule of one service and an `added` rule of another are one `moved` rule when they
//! have the same transport, ports and port kind, and no other removed or added rule of the
//! comparison has them: a port that many services gained (UDP 138, NetBIOS datagrams) did not
//! move from the one service that lost it. The test is the same from either side, so comparing
//! the other way round finds the same moves.

use super::{Change, DiffRow, Move, Rule, ServiceDiff, row_order};
use std::collections::BTreeMap;

/// What a moved rule keeps: transport, ports and port kind.
type Key = (Option<String>, Option<i64>, Option<i64>, String);

/// A row of a service: (service index, row index).
type At = (usize, usize);

fn key(rule: &Rule) -> Key {
    (rule.transport.clone(), rule.port_low, rule.port_high, rule.port_kind.clone())
}

/// Finds the moves among the `removed` and `added` rows of `services`, takes those rows out of
/// their services and returns the moves, ordered by transport and ports.
pub fn take_moves(services: &mut [ServiceDiff]) -> Vec<Move> {
    // (service, row) of each removed and added rule, by what it keeps.
    let mut sides: BTreeMap<Key, (Vec<At>, Vec<At>)> = BTreeMap::new();
    for (s, service) in services.iter().enumerate() {
        for (r, row) in service.rows.iter().enumerate() {
            match (row.change, &row.old, &row.new) {
                (Change::Removed, Some(old), _) => sides.entry(key(old)).or_default().0.push((s, r)),
                (Change::Added, _, Some(new)) => sides.entry(key(new)).or_default().1.push((s, r)),
                _ => {}
            }
        }
    }
    let mut moves = Vec::new();
    let mut taken: Vec<At> = Vec::new();
    for (removed, added) in sides.into_values() {
        let ([(from, r_from)], [(to, r_to)]) = (removed.as_slice(), added.as_slice()) else { continue };
        let (old_row, new_row) = (&services[*from].rows[*r_from], &services[*to].rows[*r_to]);
        let (Some(old_service), Some(new_service)) = (services[*from].old.clone(), services[*to].new.clone()) else {
            continue;
        };
        moves.push(Move {
            old_service,
            new_service,
            row: DiffRow {
                change: Change::Moved,
                application_protocol: new_row.application_protocol.clone(),
                transport: new_row.transport.clone(),
                old: old_row.old.clone(),
                new: new_row.new.clone(),
            },
        });
        taken.extend([(*from, *r_from), (*to, *r_to)]);
    }
    // Highest row first, so that the indices of the rows still to go stay valid.
    taken.sort_unstable_by(|a, b| b.cmp(a));
    for (s, r) in taken {
        services[s].rows.remove(r);
    }
    moves.sort_by_cached_key(|m| (row_order(&m.row), m.old_service.clone(), m.new_service.clone()));
    moves
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::ServiceName;

    fn rule(transport: &str, port: i64, line: i64) -> Rule {
        Rule {
            application_protocol: "LDAP SSL".into(),
            transport: Some(transport.into()),
            port_low: Some(port),
            port_high: Some(port),
            port_kind: "fixed".into(),
            line,
        }
    }

    fn row(change: Change, old: Option<Rule>, new: Option<Rule>) -> DiffRow {
        let shown = new.as_ref().or(old.as_ref()).unwrap();
        DiffRow {
            change,
            application_protocol: shown.application_protocol.clone(),
            transport: shown.transport.clone(),
            old,
            new,
        }
    }

    fn name(title: &str) -> Option<ServiceName> {
        Some(ServiceName { title: title.into(), system_service_name: None })
    }

    fn service(old: &str, new: &str, rows: Vec<DiffRow>) -> ServiceDiff {
        let side = |t: &str| if t.is_empty() { None } else { name(t) };
        ServiceDiff { old: side(old), new: side(new), paired_by: None, rows }
    }

    #[test]
    fn a_port_that_leaves_one_service_for_another_moved() {
        let mut services = vec![
            service("LSA", "AD", vec![row(Change::Removed, Some(rule("UDP", 636, 386)), None)]),
            service("", "LSA", vec![row(Change::Added, None, Some(rule("UDP", 636, 1181)))]),
            service("", "Other", vec![row(Change::Added, None, Some(rule("TCP", 636, 9)))]),
        ];
        let moves = take_moves(&mut services);
        assert_eq!(moves.len(), 1);
        let only = &moves[0];
        assert_eq!((only.old_service.title.as_str(), only.new_service.title.as_str()), ("LSA", "LSA"));
        assert_eq!((only.row.old.as_ref().unwrap().line, only.row.new.as_ref().unwrap().line), (386, 1181));
        assert_eq!(only.row.change, Change::Moved);
        assert!(services[0].rows.is_empty() && services[1].rows.is_empty());
        assert_eq!(services[2].rows.len(), 1, "another transport stays added");
    }

    #[test]
    fn a_port_that_several_services_gained_or_lost_did_not_move() {
        let gained =
            |title: &str, line| service("", title, vec![row(Change::Added, None, Some(rule("UDP", 138, line)))]);
        let mut services = vec![
            service("Messenger", "", vec![row(Change::Removed, Some(rule("UDP", 138, 1)), None)]),
            gained("Print Spooler", 2),
            gained("Event Log", 3),
        ];
        let before = services.clone();
        assert!(take_moves(&mut services).is_empty());
        assert_eq!(services, before);
        let lost =
            |title: &str, line| service(title, "", vec![row(Change::Removed, Some(rule("UDP", 138, line)), None)]);
        let mut services = vec![lost("A", 1), lost("B", 2), gained("C", 3)];
        assert!(take_moves(&mut services).is_empty());
    }

    #[test]
    fn unchanged_and_changed_rules_do_not_move() {
        let same = rule("TCP", 135, 1);
        let mut services = vec![
            service("A", "A", vec![row(Change::Unchanged, Some(same.clone()), Some(same.clone()))]),
            service("", "B", vec![row(Change::Added, None, Some(same))]),
        ];
        assert!(take_moves(&mut services).is_empty());
    }
}
