//! Pairing services that two editions name differently: by how alike their titles are and how
//! many of their ports they share. This is the last step of service matching, for what the
//! system service names and titles left unpaired (KB 832017 renames the 2003 list's "SSDP
//! Discovery Service", SSDPRSRV, to "Simple Service Discovery Protocol (SSDP) Discovery Service",
//! SSDPRSR).
//!
//! Two services are alike when
//! - **their titles share words**: at least two thirds of the words of the shorter title are in
//!   the other one. Words are runs of letters and digits, in lower case, a plural's `s` dropped,
//!   less the words many titles share (`service`, `server`, `microsoft`, `windows`, `and`, `of`,
//!   `the`, `for`); and
//! - **they share ports**: at least half of the ports of the one with fewer are in the other one.
//!   A port is a transport with its ports (or none, for GRE or ICMP); dynamic ranges are left
//!   out, since they moved in every service between Windows Server 2003 and 2008.
//!
//! The most alike pairs are taken first (their title and port shares added up); a service pairs
//! at most once. Every test is symmetric, so comparing the other way round finds the same pairs.

use super::Service;
use super::pair::loose;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Words that many titles share and that tell no service apart.
const COMMON_WORDS: [&str; 8] = ["service", "server", "microsoft", "windows", "and", "of", "the", "for"];

/// How alike two services are: the shares of their title words and of their ports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Likeness {
    /// The share of the shorter title's words that the other title has too (0 to 1).
    pub title: f64,
    /// The share of the ports of the service with fewer that the other service has too (0 to 1).
    pub ports: f64,
    /// The shares of all words and all ports that both have (0 to 1): which of two pairs alike
    /// by the first measures is closer (`Remote Storage` is closer to `Remote Storage` than to
    /// `Remote Storage Notification`).
    closeness: f64,
}

impl Likeness {
    /// The least title share for a pair.
    pub const TITLE: f64 = 2.0 / 3.0;
    /// The least port share for a pair.
    pub const PORTS: f64 = 0.5;

    /// How alike `a` and `b` are (the same whichever comes first).
    pub fn of(a: &Service, b: &Service) -> Likeness {
        Likeness::between(&Traits::of(a), &Traits::of(b))
    }

    fn between(a: &Traits, b: &Traits) -> Likeness {
        let (title, title_closeness) = share(&a.words, &b.words);
        let (ports, ports_closeness) = share(&a.ports, &b.ports);
        Likeness { title, ports, closeness: title_closeness + ports_closeness }
    }

    /// Whether the two are alike enough to pair.
    pub fn pairs(self) -> bool {
        self.title >= Likeness::TITLE - 1e-9 && self.ports >= Likeness::PORTS - 1e-9
    }

    /// The order of preference: the shares added up, then the closeness.
    fn score(self) -> (f64, f64) {
        (self.title + self.ports, self.closeness)
    }
}

/// Pairs the still-unpaired services of `old` and `new` that are alike (see the module's
/// documentation), the most alike first. Paired indices are removed from `unpaired_old` and
/// `unpaired_new`; the pairs are returned as (old index, new index).
pub fn pair_alike(
    (old, unpaired_old): (&[Service], &mut Vec<usize>),
    (new, unpaired_new): (&[Service], &mut Vec<usize>),
) -> Vec<(usize, usize)> {
    // Each service's words and ports, once; only services that share a title word can pair.
    let traits = |services: &[Service], unpaired: &[usize]| -> BTreeMap<usize, Traits> {
        unpaired.iter().map(|&i| (i, Traits::of(&services[i]))).collect()
    };
    let (old_traits, new_traits) = (traits(old, unpaired_old), traits(new, unpaired_new));
    let mut by_word: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (&n, t) in &new_traits {
        for word in &t.words {
            by_word.entry(word.as_str()).or_default().push(n);
        }
    }
    let mut candidates: Vec<(usize, usize, Likeness)> = Vec::new();
    for (&o, t) in &old_traits {
        let near: BTreeSet<usize> = t.words.iter().filter_map(|w| by_word.get(w.as_str())).flatten().copied().collect();
        for n in near {
            let likeness = Likeness::between(t, &new_traits[&n]);
            if likeness.pairs() {
                candidates.push((o, n, likeness));
            }
        }
    }
    // The most alike first; among equals, an order that does not depend on which side is old.
    let tie = |o: usize, n: usize| {
        let mut two = [(loose(&old[o].title), old[o].line), (loose(&new[n].title), new[n].line)];
        two.sort();
        two
    };
    candidates.sort_by(|a, b| {
        b.2.score().partial_cmp(&a.2.score()).unwrap_or(Ordering::Equal).then_with(|| tie(a.0, a.1).cmp(&tie(b.0, b.1)))
    });
    let (mut taken_old, mut taken_new) = (BTreeSet::new(), BTreeSet::new());
    let mut pairs = Vec::new();
    for (o, n, _) in candidates {
        if !taken_old.contains(&o) && !taken_new.contains(&n) {
            taken_old.insert(o);
            taken_new.insert(n);
            pairs.push((o, n));
        }
    }
    unpaired_old.retain(|i| !taken_old.contains(i));
    unpaired_new.retain(|i| !taken_new.contains(i));
    pairs.sort_unstable();
    pairs
}

/// A transport with its ports.
type Port = (Option<String>, Option<i64>, Option<i64>);

/// What likeness looks at in a service: its title's words and its ports.
struct Traits {
    words: BTreeSet<String>,
    ports: BTreeSet<Port>,
}

impl Traits {
    fn of(service: &Service) -> Traits {
        Traits { words: title_words(&service.title), ports: ports(service) }
    }
}

/// The words of a title that tell services apart (see the module's documentation).
fn title_words(title: &str) -> BTreeSet<String> {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase();
            match w.strip_suffix('s') {
                Some(stem) if stem.chars().count() >= 3 && !stem.ends_with('s') => stem.to_string(),
                _ => w,
            }
        })
        .filter(|w| !COMMON_WORDS.contains(&w.as_str()))
        .collect()
}

/// A service's ports: transport and ports of each rule that is not of a dynamic range.
fn ports(service: &Service) -> BTreeSet<Port> {
    service
        .rules
        .iter()
        .filter(|r| r.port_kind != "dynamic")
        .map(|r| (r.transport.clone(), r.port_low, r.port_high))
        .collect()
}

/// The share of the smaller set that the other holds too, and the share of their union that
/// both hold; 0 where either is empty.
fn share<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> (f64, f64) {
    let smaller = a.len().min(b.len());
    if smaller == 0 {
        return (0.0, 0.0);
    }
    let both = a.intersection(b).count() as f64;
    (both / smaller as f64, both / (a.len() + b.len() - both as usize) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::Rule;

    fn rule(transport: &str, low: i64, high: i64, kind: &str) -> Rule {
        Rule {
            application_protocol: "x".into(),
            transport: Some(transport.into()),
            port_low: Some(low),
            port_high: Some(high),
            port_kind: kind.into(),
            line: 1,
        }
    }

    fn service(title: &str, line: i64, rules: Vec<Rule>) -> Service {
        Service { title: title.into(), system_service_name: None, line, rules }
    }

    fn tcp(ports: &[i64]) -> Vec<Rule> {
        ports.iter().map(|&p| rule("TCP", p, p, "fixed")).collect()
    }

    fn run(old: &[Service], new: &[Service]) -> Vec<(usize, usize)> {
        let (mut uo, mut un) = ((0..old.len()).collect(), (0..new.len()).collect());
        let mut pairs = pair_alike((old, &mut uo), (new, &mut un));
        pairs.sort();
        pairs
    }

    #[test]
    fn title_words_leave_out_common_words_and_plurals() {
        let words = |t: &str| title_words(t).into_iter().collect::<Vec<_>>();
        assert_eq!(words("SQL Server Analysis Services"), ["analysi", "sql"]);
        assert_eq!(words("SQL Analysis Server"), ["analysi", "sql"]);
        assert_eq!(words("Microsoft Exchange MTA Stacks"), ["exchange", "mta", "stack"]);
        assert_eq!(words("Systems Management Server 2.0"), ["0", "2", "management", "system"]);
        assert_eq!(words("SSDP"), ["ssdp"], "short words keep their s");
        assert_eq!(words("Access"), ["access"]);
    }

    #[test]
    fn the_2003_lists_renames_pair() {
        let old = [
            service("Microsoft Exchange MTA Stacks", 1, tcp(&[102])),
            service("SQL Analysis Server", 2, tcp(&[2725])),
            service("SSDP Discovery Service", 3, [tcp(&[2869, 5000]), vec![rule("UDP", 1900, 1900, "fixed")]].concat()),
            service(
                "Systems Management Server",
                4,
                [tcp(&[135, 139]), vec![rule("TCP", 1025, 5000, "dynamic")]].concat(),
            ),
            service("Messenger", 5, vec![rule("UDP", 138, 138, "fixed")]),
        ];
        let new = [
            service("Systems Management Server 2.0", 1, tcp(&[135, 139])),
            service("Simple Service Discovery Protocol (SSDP) Discovery Service", 2, tcp(&[2869, 5000])),
            service("SQL Server Analysis Services", 3, tcp(&[2725])),
            service("Microsoft Exchange Message Transfer Agent (MTA) stacks", 4, tcp(&[102])),
            service("Hyper-V service", 5, tcp(&[135, 139])),
        ];
        assert_eq!(run(&old, &new), vec![(0, 3), (1, 2), (2, 1), (3, 0)]);
    }

    #[test]
    fn alike_titles_without_shared_ports_do_not_pair_nor_do_shared_ports_alone() {
        let old = [service("Exchange Server", 1, tcp(&[25, 110, 135])), service("Fax", 2, tcp(&[445]))];
        let new = [service("Exchange Server 2003", 1, tcp(&[6001, 6002])), service("Print Spooler", 2, tcp(&[445]))];
        assert_eq!(run(&old, &new), vec![]);
    }

    #[test]
    fn the_thresholds_are_inclusive() {
        // Two of three title words, one of two ports.
        let old = [service("Alpha Beta Gamma", 1, tcp(&[1, 2]))];
        let new = [service("Alpha Beta Delta Epsilon", 1, tcp(&[2, 3, 4]))];
        let likeness = Likeness::of(&old[0], &new[0]);
        assert_eq!((likeness.title, likeness.ports), (2.0 / 3.0, 0.5));
        assert_eq!(run(&old, &new), vec![(0, 0)]);
        let fewer = [service("Alpha Gamma Zeta", 1, tcp(&[1, 2]))];
        assert_eq!(run(&fewer, &new), vec![], "one of three title words is too few");
    }

    #[test]
    fn the_most_alike_pair_first_and_each_service_once() {
        let old = [service("Remote Storage", 1, tcp(&[1, 2]))];
        let new = [service("Remote Storage Notification", 1, tcp(&[1, 2])), service("Remote Storage", 2, tcp(&[1, 2]))];
        assert_eq!(run(&old, &new), vec![(0, 1)]);
        assert_eq!(run(&new, &old), vec![(1, 0)]);
    }

    #[test]
    fn dynamic_ranges_and_portless_services() {
        let old = [service("Alpha", 1, vec![rule("TCP", 1025, 5000, "dynamic")])];
        let new = [service("Alpha", 1, vec![rule("TCP", 1025, 5000, "dynamic")])];
        assert_eq!(run(&old, &new), vec![], "a service with only dynamic ports has no ports to share");
        let gre = |title: &str| Service {
            rules: vec![Rule {
                transport: Some("GRE".into()),
                port_low: None,
                port_high: None,
                ..rule("GRE", 0, 0, "none")
            }],
            ..service(title, 1, vec![])
        };
        assert_eq!(run(&[gre("PPTP")], &[gre("PPTP tunnels")]), vec![(0, 0)]);
    }
}
