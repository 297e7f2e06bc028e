//! The nftables JSON reader on `tests/fixtures/review/nft-shapes.json`, what nft 1.0.6 listed
//! (`nft -j list ruleset`) after loading `nft-shapes.nft` in a private network namespace: one
//! rule of each shape the reader knows.

use super::evaluate::{Decider, Outcome, Packet, Traffic, evaluate};
use super::model::{Action, Condition, CtState, Family, Network};
use super::nft_json::read;
use super::ports::PortSet;

const SHAPES: &str = include_str!("../../tests/fixtures/review/nft-shapes.json");

fn rule_with_handle(handle: u32) -> Vec<(Vec<Condition>, Action)> {
    let set = read(SHAPES).unwrap();
    set.rules()
        .filter(|(_, r)| r.origin.place.ends_with(&format!(" handle {handle}")))
        .map(|(_, r)| (r.conditions.clone(), r.action.clone()))
        .collect()
}

fn port(low: u16, high: u16) -> Condition {
    Condition::DestPort { ports: PortSet::range(low, high), negated: false }
}

fn protocol(p: u8) -> Condition {
    Condition::Protocol { protocols: vec![p], negated: false }
}

#[test]
fn chains_rules_and_their_places() {
    let set = read(SHAPES).unwrap();
    let names: Vec<&str> = set.chains.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["inet t input", "inet t sub"]);
    let input = &set.chains[0];
    assert!(input.base.as_ref().is_some_and(|b| !b.accepts && b.filter && b.priority == 0));
    assert!(set.chains[1].base.is_none());
    let ssh = set.rules().find(|(_, r)| r.origin.comment.is_some()).unwrap().1;
    assert_eq!(ssh.origin.place, "inet t input handle 8");
    assert_eq!(ssh.origin.comment.as_deref(), Some("ssh on eth0"));
    assert_eq!(ssh.conditions, [Condition::Unknown("iifname == eth0".into()), protocol(6), port(22, 22)]);
}

#[test]
fn verdict_maps_become_one_rule_per_element() {
    let state = |s: CtState| Condition::State { states: vec![s], negated: false };
    assert_eq!(
        rule_with_handle(6),
        [
            (vec![state(CtState::Other)], Action::Drop),
            (vec![state(CtState::Other)], Action::Accept),
            (vec![state(CtState::Other)], Action::Accept),
        ]
    );
    let to = Condition::DestAddress {
        networks: vec![Network::parse("10.0.0.1").unwrap()],
        negated: false,
        text: "ip daddr == 10.0.0.1".into(),
    };
    assert_eq!(rule_with_handle(20), [(vec![Condition::Family(Family::V4), to], Action::Accept)]);
}

#[test]
fn matches_as_conditions() {
    assert_eq!(rule_with_handle(7), [(vec![Condition::Loopback { negated: false }], Action::Accept)]);
    let allowed = Condition::DestPort { ports: PortSet::of([(22, 22), (8000, 8080)]), negated: false };
    assert_eq!(rule_with_handle(9), [(vec![protocol(6), allowed], Action::Accept)]);
    let both = Condition::Protocol { protocols: vec![6, 17], negated: false };
    assert_eq!(rule_with_handle(11), [(vec![both, port(53, 53)], Action::Accept)]);
    assert_eq!(rule_with_handle(12), [(vec![protocol(6), port(0, 1023)], Action::Drop)]);
    let not_161 = Condition::DestPort { ports: PortSet::range(161, 161), negated: true };
    let from = Condition::Unknown("ip saddr == 10.0.0.0/8".into());
    assert_eq!(
        rule_with_handle(13),
        [(vec![Condition::Family(Family::V4), from, protocol(17), not_161], Action::Reject)]
    );
    let jump = rule_with_handle(14);
    let [(conditions, Action::Jump(1))] = jump.as_slice() else { panic!("one jump to chain 1") };
    assert_eq!(conditions[0], Condition::Family(Family::V6));
    assert!(matches!(&conditions[1], Condition::DestAddress { networks, .. } if networks[0].prefix == 32));
    assert_eq!(rule_with_handle(15), [(vec![protocol(6), port(9000, 9010)], Action::Goto(1))]);
    let multicast = Condition::DestType { local: false, unicast: false, negated: false };
    assert_eq!(rule_with_handle(17), [(vec![multicast], Action::Drop)]);
    let rpf = Condition::Always { holds: false, text: "fib saddr oif missing".into() };
    assert_eq!(rule_with_handle(18), [(vec![rpf], Action::Drop)]);
    let limited = rule_with_handle(19);
    let [(conditions, Action::Accept)] = limited.as_slice() else { panic!("one accept") };
    assert!(matches!(&conditions[0], Condition::Always { holds: true, .. }));
    assert!(matches!(&conditions[1], Condition::Unknown(t) if t.starts_with("limit ")));
    let echo = Condition::IcmpType { types: PortSet::of([(8, 8), (13, 13)]), negated: false };
    assert_eq!(rule_with_handle(22), [(vec![protocol(1), echo], Action::Accept)]);
    assert!(matches!(rule_with_handle(23)[0].0[0], Condition::Always { holds: false, .. }));
    assert_eq!(rule_with_handle(24), [(vec![protocol(58)], Action::Accept)]);
}

#[test]
fn the_shapes_evaluate_as_the_kernel_would() {
    let set = read(SHAPES).unwrap();
    let handle = |h: u32| {
        let (chain, rule) = set
            .chains
            .iter()
            .enumerate()
            .find_map(|(c, ch)| {
                ch.rules.iter().position(|r| r.origin.place.ends_with(&format!(" handle {h}"))).map(|r| (c, r))
            })
            .unwrap();
        Decider::Rule { chain, rule }
    };
    let at = |family, protocol, port| {
        evaluate(&set, Traffic::Inbound, Packet { family, protocol, port: Some(port), keyword: None })
    };
    // Port 22 on eth0 or not: the set accepts it either way.
    assert_eq!(at(Family::V4, 6, 22), Outcome::Accepted(handle(9)));
    assert_eq!(at(Family::V4, 6, 500), Outcome::Blocked(handle(12)));
    assert_eq!(at(Family::V6, 17, 53), Outcome::Accepted(handle(11)));
    // A goto's chain returns to the policy; jumped to, it returns to the next rule.
    let policy = Outcome::Blocked(Decider::Policy { chain: 0 });
    assert_eq!(at(Family::V4, 6, 9005), policy);
    assert_eq!(at(Family::V6, 6, 9005), policy);
    assert_eq!(at(Family::V6, 6, 9006), Outcome::Accepted(handle(26)));
    assert_eq!(at(Family::V4, 1, 8), Outcome::Accepted(handle(22)));
    assert_eq!(at(Family::V4, 17, 162), Outcome::Depends(vec![handle(13), handle(19), handle(20)]));
}

#[test]
fn what_is_not_a_listing_is_refused_at_its_line() {
    let e = read("{\"nftables\": [\n{\"chain\": {\"family\": \"inet\"}}\n]}").unwrap_err();
    assert_eq!(e.line, 2);
    assert!(e.problem.starts_with("a chain without its family, table or name"), "{}", e.problem);
    let jump = r#"{"nftables": [
{"chain": {"family": "inet", "table": "t", "name": "c", "hook": "input", "prio": 0, "policy": "accept"}},
{"rule": {"family": "inet", "table": "t", "chain": "c", "handle": 3, "expr": [{"jump": {"target": "nowhere"}}]}}
]}"#;
    let e = read(jump).unwrap_err();
    assert_eq!((e.line, e.problem.as_str()), (3, "jump to chain `nowhere`, which table inet t does not have"));
    let e =
        read("{\"nftables\": [\n{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"x\", \"expr\": []}}]}")
            .unwrap_err();
    assert_eq!((e.line, e.problem.as_str()), (2, "a rule of chain ip t x, which the listing does not declare"));
    let e = read("{\"nftables\": [\n{\"table\": \n").unwrap_err();
    assert!(e.line >= 2 && e.problem.starts_with("not valid JSON"), "{e:?}");
    assert_eq!(read("{\"tables\": []}").unwrap_err().line, 1);
    let looping = r#"{"nftables": [
{"chain": {"family": "ip", "table": "t", "name": "a"}},
{"chain": {"family": "ip", "table": "t", "name": "b"}},
{"rule": {"family": "ip", "table": "t", "chain": "a", "expr": [{"jump": {"target": "b"}}]}},
{"rule": {"family": "ip", "table": "t", "chain": "b", "expr": [{"goto": {"target": "a"}}]}}
]}"#;
    let e = read(looping).unwrap_err();
    assert!(e.problem.contains("leads back to it"), "{e:?}");
}

#[test]
fn rules_of_iptables_nft_are_said_to_be_read_from_iptables_save() {
    let listing = r#"{"nftables": [
{"chain": {"family": "ip", "table": "filter", "name": "INPUT", "hook": "input", "prio": 0, "policy": "drop"}},
{"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 4, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "tcp"}}, {"xt": {"type": "match", "name": "multiport"}}, {"xt": {"type": "match", "name": "comment"}}, {"xt": {"type": "target", "name": "LOG"}}]}}
]}"#;
    let set = read(listing).unwrap();
    assert_eq!(
        set.chains[0].rules[0].conditions,
        [protocol(6), Condition::Unknown("iptables match \"multiport\"".into())]
    );
    assert_eq!(set.chains[0].rules[0].action, Action::Continue);
    assert_eq!(set.notes.len(), 1);
    assert!(set.notes[0].starts_with("ip filter INPUT: rules written by iptables-nft"), "{}", set.notes[0]);
    assert!(read(SHAPES).unwrap().notes.is_empty());
}
