//! Tests of the comparison on plain records.

use super::*;
use proptest::prelude::*;

fn rule(application_protocol: &str, transport: &str, low: i64, high: i64, kind: &str, line: i64) -> Rule {
    Rule {
        application_protocol: application_protocol.into(),
        transport: Some(transport.into()),
        port_low: Some(low),
        port_high: Some(high),
        port_kind: kind.into(),
        line,
    }
}

fn service(title: &str, name: Option<&str>, rules: Vec<Rule>) -> Service {
    let line = rules.first().map_or(1, |r| r.line);
    Service { title: title.into(), system_service_name: name.map(String::from), line, rules }
}

/// Ports of one side of a row.
type Ports = Option<(Option<i64>, Option<i64>)>;

/// Every row as (change, old service, new service, transport, old ports, new ports), sorted.
type Summary = (Change, Option<ServiceName>, Option<ServiceName>, Option<String>, Ports, Ports);

fn summary(diff: &Diff) -> Vec<Summary> {
    let ports = |r: &Option<Rule>| r.as_ref().map(|r| (r.port_low, r.port_high));
    let of = |r: &DiffRow, old: Option<&ServiceName>, new: Option<&ServiceName>| {
        (r.change, old.cloned(), new.cloned(), r.transport.clone(), ports(&r.old), ports(&r.new))
    };
    let mut rows: Vec<Summary> = diff
        .services
        .iter()
        .flat_map(|s| s.rows.iter().map(|r| of(r, s.old.as_ref(), s.new.as_ref())))
        .chain(diff.moves.iter().map(|m| of(&m.row, Some(&m.old_service), Some(&m.new_service))))
        .collect();
    rows.sort();
    rows
}

/// Every service as (old, new, what became of it), sorted.
fn services(diff: &Diff) -> Vec<(Option<ServiceName>, Option<ServiceName>, ServiceChange)> {
    let mut all: Vec<_> = diff.services.iter().map(|s| (s.old.clone(), s.new.clone(), s.change())).collect();
    all.sort();
    all
}

#[test]
fn services_on_one_side_give_all_their_rules() {
    let old = [service(
        "Exchange Server",
        None,
        vec![rule("SMTP", "TCP", 25, 25, "fixed", 3), rule("POP3", "TCP", 110, 110, "fixed", 4)],
    )];
    let new = [service("Hyper-V service", None, vec![rule("WMI", "TCP", 135, 135, "fixed", 9)])];
    let diff = compare(&old, &new, &[]).unwrap();
    assert_eq!(diff.services.len(), 2);
    assert_eq!((diff.count(Change::Added), diff.count(Change::Removed)), (1, 2));
    assert_eq!(diff.services[0].title(), "Exchange Server");
    assert_eq!(diff.services[0].change(), ServiceChange::Removed);
    assert_eq!(diff.services[1].change(), ServiceChange::Added);
    assert!(diff.differs());
}

#[test]
fn a_source_against_itself_is_unchanged() {
    let doc = [
        service(
            "DNS Server",
            Some("DNS"),
            vec![rule("DNS", "UDP", 53, 53, "fixed", 2), rule("DNS", "TCP", 53, 53, "fixed", 3)],
        ),
        service("Net Logon", Some("Netlogon"), vec![rule("RPC", "TCP", 1025, 5000, "dynamic", 7)]),
    ];
    let diff = compare(&doc, &doc, &[]).unwrap();
    assert_eq!(diff.count(Change::Unchanged), 3);
    assert!(!diff.differs());
}

#[test]
fn rows_name_the_new_title_and_keep_the_old_one() {
    let old = [service("Local Security Authority", Some("LSASS"), vec![rule("LDAP SSL", "UDP", 636, 636, "fixed", 5)])];
    let new = [service(
        "Active Directory (local security authority)",
        Some("LSASS"),
        vec![rule("SMB", "TCP", 445, 445, "fixed", 8)],
    )];
    let diff = compare(&old, &new, &[]).unwrap();
    assert_eq!(diff.services.len(), 1);
    let service = &diff.services[0];
    assert_eq!(service.title(), "Active Directory (local security authority)");
    assert_eq!(service.old_title(), Some("Local Security Authority"));
    assert_eq!((service.change(), service.paired_by), (ServiceChange::Renamed, Some(Pairing::SystemServiceName)));
    let changes: Vec<(Change, &str)> =
        service.rows.iter().map(|r| (r.change, r.application_protocol.as_str())).collect();
    assert_eq!(changes, vec![(Change::Added, "SMB"), (Change::Removed, "LDAP SSL")]);
}

/// A small 2003 -> 2020: a renamed service whose system service name changed too, a dynamic
/// range that moved in two services (one of which renamed its application protocol), and a port
/// that went from one service to another.
fn editions() -> (Vec<Service>, Vec<Service>) {
    let old = vec![
        service("SSDP Discovery Service", Some("SSDPRSRV"), vec![rule("SSDP", "UDP", 1900, 1900, "fixed", 844)]),
        service(
            "Local Security Authority",
            Some("LSASS"),
            vec![
                rule("Randomly allocated high TCP ports", "TCP", 1025, 5000, "dynamic", 371),
                rule("LDAP SSL", "UDP", 636, 636, "fixed", 386),
            ],
        ),
        service(
            "Fax Service",
            Some("Fax"),
            vec![rule("Randomly allocated high TCP ports", "TCP", 1025, 5000, "dynamic", 226)],
        ),
    ];
    let new = vec![
        service(
            "Simple Service Discovery Protocol (SSDP) Discovery Service",
            Some("SSDPRSR"),
            vec![rule("SSDP", "UDP", 1900, 1900, "fixed", 876)],
        ),
        service(
            "Active Directory (local security authority)",
            Some("LSASS"),
            vec![rule("RPC randomly allocated high TCP ports", "TCP", 49152, 65535, "dynamic", 115)],
        ),
        service(
            "Fax Service",
            Some("Fax"),
            vec![rule("Randomly allocated high TCP ports", "TCP", 49152, 65535, "dynamic", 350)],
        ),
        service("Local Security Authority", None, vec![rule("LDAP SSL", "UDP", 636, 636, "fixed", 1181)]),
    ];
    (old, new)
}

#[test]
fn renames_port_changes_and_moves_without_being_told() {
    let (old, new) = editions();
    let diff = compare(&old, &new, &[]).unwrap();
    let ssdp = diff.services.iter().find(|s| s.title().contains("SSDP")).unwrap();
    assert_eq!((ssdp.change(), ssdp.paired_by), (ServiceChange::Renamed, Some(Pairing::Likeness)));
    assert_eq!(ssdp.old_title(), Some("SSDP Discovery Service"));
    assert_eq!(ssdp.rows[0].change, Change::Unchanged);

    let lsass = diff.services.iter().find(|s| s.system_service_name() == Some("LSASS")).unwrap();
    let changes: Vec<(Change, Option<i64>, Option<i64>)> = lsass
        .rows
        .iter()
        .map(|r| (r.change, r.old.as_ref().and_then(|r| r.port_low), r.new.as_ref().and_then(|r| r.port_low)))
        .collect();
    assert_eq!(changes, vec![(Change::Changed, Some(1025), Some(49152))], "as Fax's range did, renamed or not");

    assert_eq!(diff.moves.len(), 1);
    let moved = &diff.moves[0];
    assert_eq!(moved.old_service.system_service_name.as_deref(), Some("LSASS"));
    assert_eq!(
        (moved.new_service.title.as_str(), moved.new_service.system_service_name.as_deref()),
        ("Local Security Authority", None)
    );
    assert_eq!((moved.row.old.as_ref().unwrap().line, moved.row.new.as_ref().unwrap().line), (386, 1181));
    assert!(diff.services.iter().all(|s| s.title() != "Local Security Authority"), "its one rule moved");
    assert_eq!(Change::ALL.map(|c| diff.count(c)), [0, 0, 2, 1, 1], "added, removed, changed, moved, unchanged");
    assert!(diff.differs());
}

#[test]
fn asked_pairs_override_likeness() {
    let (old, new) = editions();
    let asked: TitlePair = "SSDP Discovery Service=Local Security Authority".parse().unwrap();
    let diff = compare(&old, &new, &[asked]).unwrap();
    assert!(diff.services.iter().all(|s| s.paired_by != Some(Pairing::Likeness)));
    // The asked pair shares no rule: each of its rules moved, to or from the service it would
    // have paired with.
    let moves: Vec<(&str, &str, i64)> = diff
        .moves
        .iter()
        .map(|m| {
            (m.old_service.title.as_str(), m.new_service.title.as_str(), m.row.new.as_ref().unwrap().port_low.unwrap())
        })
        .collect();
    assert_eq!(
        moves,
        vec![
            ("Local Security Authority", "Local Security Authority", 636),
            ("SSDP Discovery Service", "Simple Service Discovery Protocol (SSDP) Discovery Service", 1900),
        ]
    );
}

fn arb_rule() -> impl Strategy<Value = Rule> {
    let ports = prop_oneof![
        Just((Some(53), Some(53))),
        Just((Some(135), Some(135))),
        Just((Some(1025), Some(5000))),
        Just((Some(49152), Some(65535))),
        Just((None, None))
    ];
    (
        prop::sample::select(vec!["RPC", "rpc", "DNS", "High ports"]),
        prop::option::of(prop::sample::select(vec!["TCP", "UDP"])),
        ports,
        prop::sample::select(vec!["fixed", "dynamic"]),
        1i64..50,
    )
        .prop_map(|(application_protocol, transport, (low, high), kind, line)| Rule {
            application_protocol: application_protocol.into(),
            transport: transport.map(String::from),
            port_low: low,
            port_high: high,
            port_kind: kind.into(),
            line,
        })
}

fn arb_service() -> impl Strategy<Value = Service> {
    (
        // Titles alike but not the same, and names that differ, so that likeness pairs some.
        prop::sample::select(vec!["DNS Server", "dns  server", "DNS Server Cache", "Net Logon", "Net Logon Service"]),
        prop::option::of(prop::sample::select(vec!["DNS", "dns", "DnsCache", "Netlogon", "NetlogonX", "ClusSvc"])),
        prop::collection::vec(arb_rule(), 1..5),
        1i64..50,
    )
        .prop_map(|(title, name, rules, line)| Service {
            title: title.into(),
            system_service_name: name.map(String::from),
            line,
            rules,
        })
}

/// The same comparison seen from the other side: added and removed, old and new trade places.
fn mirrored(rows: Vec<Summary>) -> Vec<Summary> {
    let mut rows: Vec<Summary> = rows
        .into_iter()
        .map(|(change, old_service, new_service, transport, old, new)| {
            (change.reversed(), new_service, old_service, transport, new, old)
        })
        .collect();
    rows.sort();
    rows
}

fn mirrored_services(
    all: Vec<(Option<ServiceName>, Option<ServiceName>, ServiceChange)>,
) -> Vec<(Option<ServiceName>, Option<ServiceName>, ServiceChange)> {
    let flip = |c| match c {
        ServiceChange::Added => ServiceChange::Removed,
        ServiceChange::Removed => ServiceChange::Added,
        other => other,
    };
    let mut all: Vec<_> = all.into_iter().map(|(old, new, change)| (new, old, flip(change))).collect();
    all.sort();
    all
}

proptest! {
    #[test]
    fn comparing_the_other_way_round_swaps_added_and_removed(
        a in prop::collection::vec(arb_service(), 0..5),
        b in prop::collection::vec(arb_service(), 0..5),
    ) {
        let forward = compare(&a, &b, &[]).unwrap();
        let backward = compare(&b, &a, &[]).unwrap();
        prop_assert_eq!(summary(&forward), mirrored(summary(&backward)));
        prop_assert_eq!(services(&forward), mirrored_services(services(&backward)));
        let rules = |s: &[Service]| s.iter().map(|s| s.rules.len()).sum::<usize>();
        let count = |c| forward.count(c);
        let both = count(Change::Changed) + count(Change::Moved) + count(Change::Unchanged);
        prop_assert_eq!(count(Change::Removed) + both, rules(&a));
        prop_assert_eq!(count(Change::Added) + both, rules(&b));
    }
}

/// Services that share no system service name and whose titles are alike without being the same,
/// so that likeness pairs them and ports move between them.
fn arb_unnamed_service() -> impl Strategy<Value = Service> {
    let rule =
        (prop::sample::select(vec![53i64, 135, 389, 445, 636]), prop::sample::select(vec!["TCP", "UDP"]), 1i64..50)
            .prop_map(|(port, transport, line)| rule("x", transport, port, port, "fixed", line));
    (
        prop::sample::select(vec!["Alpha Beta", "Alpha Beta Gamma", "Beta Alpha Delta", "Gamma Delta", "Delta"]),
        prop::collection::vec(rule, 1..4),
        1i64..50,
    )
        .prop_map(|(title, rules, line)| Service { title: title.into(), system_service_name: None, line, rules })
}

proptest! {
    #[test]
    fn likeness_and_moves_read_the_same_both_ways(
        a in prop::collection::vec(arb_unnamed_service(), 0..5),
        b in prop::collection::vec(arb_unnamed_service(), 0..5),
    ) {
        let forward = compare(&a, &b, &[]).unwrap();
        let backward = compare(&b, &a, &[]).unwrap();
        prop_assert_eq!(summary(&forward), mirrored(summary(&backward)));
        prop_assert_eq!(services(&forward), mirrored_services(services(&backward)));
    }
}
