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

/// Every row as (change, old title, new title, transport, old ports, new ports), sorted.
type Summary = (Change, Option<String>, Option<String>, Option<String>, Ports, Ports);

fn summary(diff: &Diff) -> Vec<Summary> {
    let ports = |r: &Option<Rule>| r.as_ref().map(|r| (r.port_low, r.port_high));
    let mut rows: Vec<Summary> = diff
        .services
        .iter()
        .flat_map(|s| {
            s.rows.iter().map(|r| {
                (r.change, s.old_title.clone(), s.new_title.clone(), r.transport.clone(), ports(&r.old), ports(&r.new))
            })
        })
        .collect();
    rows.sort();
    rows
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
    assert_eq!(diff.services[0].new_title, None);
    assert_eq!(diff.services[1].old_title, None);
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
    assert_eq!(service.old_title.as_deref(), Some("Local Security Authority"));
    let changes: Vec<(Change, &str)> =
        service.rows.iter().map(|r| (r.change, r.application_protocol.as_str())).collect();
    assert_eq!(changes, vec![(Change::Added, "SMB"), (Change::Removed, "LDAP SSL")]);
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
        prop::sample::select(vec!["DNS Server", "dns  server", "Net Logon", "Cluster Service"]),
        prop::option::of(prop::sample::select(vec!["DNS", "dns", "Netlogon", "ClusSvc"])),
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
        .map(|(change, old_title, new_title, transport, old, new)| {
            let change = match change {
                Change::Added => Change::Removed,
                Change::Removed => Change::Added,
                other => other,
            };
            (change, new_title, old_title, transport, new, old)
        })
        .collect();
    rows.sort();
    rows
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
        let rules = |s: &[Service]| s.iter().map(|s| s.rules.len()).sum::<usize>();
        let count = |c| forward.count(c);
        prop_assert_eq!(count(Change::Removed) + count(Change::Changed) + count(Change::Unchanged), rules(&a));
        prop_assert_eq!(count(Change::Added) + count(Change::Changed) + count(Change::Unchanged), rules(&b));
    }
}
