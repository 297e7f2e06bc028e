//! The evaluator against hand-made rule sets, and against a direct first-match walk: for random
//! rule sets and packets, the walk is run once for every way the undecided conditions can go
//! (each rule's condition true or false), and the evaluator must say what all those walks say
//! (or `Depends` where they disagree).

use super::evaluate::{Decider, Outcome, Packet, Traffic, evaluate, evaluate_ports};
use super::model::{
    Action, Base, Chain, Condition, CtState, Families, Family, Hook, Origin, Rule, RuleSet, RulesetFormat,
};
use super::ports::PortSet;
use proptest::prelude::*;

fn chain(name: &str, base: Option<(i32, bool)>, rules: Vec<(Vec<Condition>, Action)>) -> Chain {
    let base = base.map(|(priority, accepts)| Base { hook: Hook::Input, priority, filter: true, accepts });
    let rules = rules
        .into_iter()
        .enumerate()
        .map(|(i, (conditions, action))| Rule {
            origin: Origin { line: i as u32 + 1, ..Origin::default() },
            conditions,
            action,
        })
        .collect();
    Chain { name: name.into(), families: Families::BOTH, base, origin: Origin::default(), rules }
}

fn set(chains: Vec<Chain>) -> RuleSet {
    RuleSet { format: RulesetFormat::NftJson, chains, notes: Vec::new() }
}

fn tcp(port: u16) -> Packet {
    Packet { family: Family::V4, protocol: 6, port: Some(port), keyword: None }
}

fn dport(low: u16, high: u16) -> Condition {
    Condition::DestPort { ports: PortSet::range(low, high), negated: false }
}

fn rule(chain: usize, rule: usize) -> Decider {
    Decider::Rule { chain, rule }
}

#[test]
fn jumps_return_and_gotos_do_not() {
    let s = set(vec![
        chain(
            "input",
            Some((0, false)),
            vec![
                (vec![dport(1, 100)], Action::Jump(1)),
                (vec![dport(50, 60)], Action::Accept),
                (vec![dport(70, 80)], Action::Goto(2)),
            ],
        ),
        chain(
            "user",
            None,
            vec![
                (vec![dport(1, 10)], Action::Accept),
                (vec![dport(11, 20)], Action::Return),
                (vec![dport(11, 30)], Action::Reject),
            ],
        ),
        chain("gone", None, vec![(vec![dport(75, 75)], Action::Accept)]),
    ]);
    let at = |port| evaluate(&s, Traffic::Inbound, tcp(port));
    assert_eq!(at(5), Outcome::Accepted(rule(1, 0)));
    assert_eq!(at(15), Outcome::Blocked(Decider::Policy { chain: 0 }), "returned, then nothing accepts");
    assert_eq!(at(25), Outcome::Blocked(rule(1, 2)));
    assert_eq!(at(55), Outcome::Accepted(rule(0, 1)));
    assert_eq!(at(75), Outcome::Accepted(rule(2, 0)));
    assert_eq!(at(76), Outcome::Blocked(Decider::Policy { chain: 0 }), "a goto's chain ends in the policy");
}

#[test]
fn an_accept_ends_one_base_chain_and_a_drop_ends_all() {
    let s = set(vec![
        chain("late", Some((10, true)), vec![(vec![dport(22, 22)], Action::Drop)]),
        chain("early", Some((-10, false)), vec![(vec![dport(1, 1024)], Action::Accept)]),
    ]);
    let at = |port| evaluate(&s, Traffic::Inbound, tcp(port));
    assert_eq!(at(80), Outcome::Accepted(rule(1, 0)), "the rule is named, not the later policy");
    assert_eq!(at(22), Outcome::Blocked(rule(0, 0)), "accepted by the first chain, dropped by the second");
    assert_eq!(at(2000), Outcome::Blocked(Decider::Policy { chain: 1 }));
    assert_eq!(evaluate(&set(vec![]), Traffic::Inbound, tcp(1)), Outcome::Accepted(Decider::Unfiltered));
}

#[test]
fn an_undecided_condition_makes_depends_only_where_it_matters() {
    let eth0 = || Condition::Unknown("iifname eth0".into());
    let open = set(vec![chain("input", Some((0, true)), vec![(vec![eth0(), dport(53, 53)], Action::Accept)])]);
    assert_eq!(evaluate(&open, Traffic::Inbound, tcp(53)), Outcome::Accepted(Decider::Policy { chain: 0 }));
    let closed = set(vec![chain(
        "input",
        Some((0, false)),
        vec![
            (vec![Condition::State { states: vec![CtState::Other], negated: false }], Action::Accept),
            (vec![Condition::Loopback { negated: false }], Action::Accept),
            (vec![eth0(), dport(53, 53)], Action::Accept),
        ],
    )]);
    assert_eq!(evaluate(&closed, Traffic::Inbound, tcp(53)), Outcome::Depends(vec![rule(0, 2)]));
    assert_eq!(evaluate(&closed, Traffic::Inbound, tcp(54)), Outcome::Blocked(Decider::Policy { chain: 0 }));
    let ranges = evaluate_ports(&closed, Traffic::Inbound, tcp(0), &PortSet::range(50, 60));
    assert_eq!(
        ranges,
        [
            (50, 52, Outcome::Blocked(Decider::Policy { chain: 0 })),
            (53, 53, Outcome::Depends(vec![rule(0, 2)])),
            (54, 60, Outcome::Blocked(Decider::Policy { chain: 0 })),
        ]
    );
}

/// Rule sets built from bytes: up to two base chains and three user chains, each user chain
/// jumped to from at most one rule (so that no rule is met twice on one walk), conditions on
/// protocol, ports 0-63, state, loopback, family and undecidable ones.
fn build(bytes: &[u8]) -> RuleSet {
    let mut at = 0;
    let mut next = || {
        let b = bytes.get(at).copied().unwrap_or(0);
        at += 1;
        b
    };
    let bases = 1 + usize::from(next() % 2);
    let users = usize::from(next() % 4);
    let mut taken = vec![false; bases + users];
    let mut chains = Vec::new();
    for c in 0..bases + users {
        let base = (c < bases).then(|| (i32::from(next() % 3), next() % 2 == 0));
        let mut rules = Vec::new();
        for _ in 0..next() % 5 {
            let mut conditions = Vec::new();
            for _ in 0..next() % 3 {
                let negated = next() % 3 == 0;
                conditions.push(match next() % 7 {
                    0 => Condition::Protocol {
                        protocols: [vec![6], vec![17], vec![6, 17]][usize::from(next() % 3)].clone(),
                        negated,
                    },
                    1 | 2 => {
                        let (a, b) = (u16::from(next() % 64), u16::from(next() % 64));
                        let (c, d) = (u16::from(next() % 64), u16::from(next() % 8));
                        Condition::DestPort { ports: PortSet::of([(a, b), (c, c + d)]), negated }
                    }
                    3 => Condition::State {
                        states: vec![if next() % 2 == 0 { CtState::New } else { CtState::Other }],
                        negated,
                    },
                    4 => Condition::Loopback { negated },
                    5 => Condition::Family(if next() % 2 == 0 { Family::V4 } else { Family::V6 }),
                    _ => Condition::Unknown(format!("undecided {}", next())),
                });
            }
            let free = (bases.max(c + 1)..bases + users).find(|&t| !taken[t]);
            let action = match (next() % 12, free) {
                (0..=2, _) => Action::Accept,
                (3, _) => Action::Drop,
                (4, _) => Action::Reject,
                (5 | 6, Some(t)) => {
                    taken[t] = true;
                    Action::Jump(t)
                }
                (7, Some(t)) => {
                    taken[t] = true;
                    Action::Goto(t)
                }
                (8, _) => Action::Return,
                (9, _) if next() % 4 == 0 => Action::Unknown("queue".into()),
                _ => Action::Continue,
            };
            rules.push((conditions, action));
        }
        chains.push(chain(&format!("c{c}"), base, rules));
    }
    set(chains)
}

/// The walk as the kernel does it, with each undecided rule's conditions taken as `guess` says
/// (bit i for the i-th such rule met, in the order of `undecided`); an unknown action accepts
/// or blocks by the same guess.
fn first_match(set: &RuleSet, packet: Packet, undecided: &[(usize, usize)], guess: u32) -> Outcome {
    let holds = |c: usize, r: usize| -> bool {
        let rule = &set.chains[c].rules[r];
        let mut maybe = false;
        for condition in &rule.conditions {
            let decided = match condition {
                Condition::Protocol { protocols, negated } => Some(protocols.contains(&packet.protocol) != *negated),
                Condition::DestPort { ports, negated } => {
                    Some([6, 17].contains(&packet.protocol) && ports.contains(packet.port.unwrap_or(0)) != *negated)
                }
                Condition::State { states, negated } => Some(states.contains(&CtState::New) != *negated),
                Condition::Loopback { negated } => Some(*negated),
                Condition::Family(f) => Some(*f == packet.family),
                Condition::Unknown(_) => None,
                other => panic!("not generated: {other:?}"),
            };
            match decided {
                Some(false) => return false,
                None => maybe = true,
                Some(true) => {}
            }
        }
        !maybe || guess & (1 << undecided.iter().position(|&u| u == (c, r)).expect("listed")) != 0
    };
    let mut bases: Vec<(i32, usize)> =
        set.chains.iter().enumerate().filter_map(|(i, c)| c.base.as_ref().map(|b| (b.priority, i))).collect();
    bases.sort();
    let mut accepted_by: Vec<Decider> = Vec::new();
    'bases: for &(_, base) in &bases {
        let mut stack = vec![(base, 0usize)];
        loop {
            let Some(&(c, r)) = stack.last() else {
                if set.chains[base].base.as_ref().unwrap().accepts {
                    accepted_by.push(Decider::Policy { chain: base });
                    continue 'bases;
                }
                return Outcome::Blocked(Decider::Policy { chain: base });
            };
            let Some(rule) = set.chains[c].rules.get(r) else {
                stack.pop();
                continue;
            };
            stack.last_mut().unwrap().1 += 1;
            if !holds(c, r) {
                continue;
            }
            let by = Decider::Rule { chain: c, rule: r };
            match &rule.action {
                Action::Accept => {
                    accepted_by.push(by);
                    continue 'bases;
                }
                Action::Drop | Action::Reject => return Outcome::Blocked(by),
                Action::Jump(t) => stack.push((*t, 0)),
                Action::Goto(t) => {
                    stack.pop();
                    stack.push((*t, 0));
                }
                Action::Return => {
                    stack.pop();
                }
                Action::Continue => {}
                Action::Unknown(_) => return Outcome::Depends(vec![by]),
            }
        }
    }
    // The rule that let the packet through, rather than a policy: as the evaluator names it.
    let by = accepted_by.iter().rev().fold(Decider::Unfiltered, |later, &by| match (by, later) {
        (Decider::Policy { .. }, Decider::Rule { .. }) => later,
        _ => by,
    });
    Outcome::Accepted(by)
}

/// What every way of the undecided conditions says together.
fn every_walk(set: &RuleSet, packet: Packet) -> Outcome {
    let undecided: Vec<(usize, usize)> = set
        .chains
        .iter()
        .enumerate()
        .flat_map(|(c, chain)| (0..chain.rules.len()).map(move |r| (c, r)))
        .filter(|&(c, r)| {
            let rule = &set.chains[c].rules[r];
            rule.conditions.iter().any(|x| matches!(x, Condition::Unknown(_)))
        })
        .collect();
    let walks: Vec<Outcome> = (0..1u32 << undecided.len()).map(|g| first_match(set, packet, &undecided, g)).collect();
    let kind = |o: &Outcome| std::mem::discriminant(o);
    if walks.iter().all(|w| kind(w) == kind(&walks[0])) && !matches!(walks[0], Outcome::Depends(_)) {
        // All alike: named as the walk where no undecided condition holds names it.
        walks[0].clone()
    } else {
        Outcome::Depends(Vec::new())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_verdict_for_a_port_is_the_first_match_walks(bytes in proptest::collection::vec(any::<u8>(), 0..120), port in 0u16..70, protocol in prop::sample::select(vec![6u8, 17, 47]), v6 in any::<bool>()) {
        let set = build(&bytes);
        let family = if v6 { Family::V6 } else { Family::V4 };
        let packet = Packet { family, protocol, port: Some(port), keyword: None };
        let got = evaluate(&set, Traffic::Inbound, packet);
        let want = every_walk(&set, packet);
        match (&got, &want) {
            (Outcome::Depends(on), Outcome::Depends(_)) => prop_assert!(!on.is_empty(), "depends names its rules"),
            _ => prop_assert_eq!(&got, &want, "{:#?}", set),
        }
        // The ranges agree with the port-by-port verdict.
        let ranges = evaluate_ports(&set, Traffic::Inbound, packet, &PortSet::range(0, 70));
        prop_assert_eq!(ranges.first().map(|r| r.0), Some(0));
        prop_assert_eq!(ranges.last().map(|r| r.1), Some(70));
        for window in ranges.windows(2) {
            prop_assert_eq!(u32::from(window[0].1) + 1, u32::from(window[1].0));
            prop_assert_ne!(&window[0].2, &window[1].2, "neighbouring ranges fare differently");
        }
        let (_, _, at_port) = ranges.iter().find(|(l, h, _)| (*l..=*h).contains(&port)).unwrap();
        prop_assert_eq!(at_port, &got);
    }
}
