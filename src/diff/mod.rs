//! `kbingest diff`: what changed between two editions of a port reference. Services and rules are
//! read from the database into plain records ([`read`]), compared by pure functions ([`services`]
//! matches services, [`similar`] those the names leave unpaired, [`rules`] compares their rules,
//! [`moves`] links rules that went from one service to another) and written out ([`report`]).

pub mod moves;
mod pair;
pub mod read;
pub mod report;
pub mod rules;
pub mod services;
pub mod similar;

use rules::{RulePair, compare_rules, port_changes};
use services::ServicePair;
pub use services::{Pairing, TitlePair, UnknownTitle};

/// A port rule of one source, as `port_rules` has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The application protocol, as the document names it.
    pub application_protocol: String,
    /// The transport (`TCP`, ...); `None` where the document gives none.
    pub transport: Option<String>,
    /// The first port; `None` for a transport without ports.
    pub port_low: Option<i64>,
    /// The last port.
    pub port_high: Option<i64>,
    /// `fixed`, `range`, `dynamic` or `none`.
    pub port_kind: String,
    /// The line of the source where the rule's row begins.
    pub line: i64,
}

/// A service of one source with its port rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// Its title, as the document has it.
    pub title: String,
    /// Its system service name, if the document gives one.
    pub system_service_name: Option<String>,
    /// The line of its first rule.
    pub line: i64,
    /// Its rules, in document order.
    pub rules: Vec<Rule>,
}

/// What became of a rule between the old and the new source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// Only in the new source.
    Added,
    /// Only in the old source.
    Removed,
    /// In both, with other ports or port kind.
    Changed,
    /// In both, under another service: it left one service and appeared under another.
    Moved,
    /// In both, the same.
    Unchanged,
}

impl Change {
    /// Every change, in the order reports count them.
    pub const ALL: [Change; 5] = [Change::Added, Change::Removed, Change::Changed, Change::Moved, Change::Unchanged];

    /// Its name in the output.
    pub fn name(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
            Change::Moved => "moved",
            Change::Unchanged => "unchanged",
        }
    }

    /// The same change seen from the other side: added and removed trade places.
    pub fn reversed(self) -> Change {
        match self {
            Change::Added => Change::Removed,
            Change::Removed => Change::Added,
            other => other,
        }
    }
}

/// One output row: a rule and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffRow {
    /// What became of the rule.
    pub change: Change,
    /// The application protocol (the new source's name for it, else the old one's).
    pub application_protocol: String,
    /// The transport (`None` where the document gives none).
    pub transport: Option<String>,
    /// The old rule, if there is one.
    pub old: Option<Rule>,
    /// The new rule, if there is one.
    pub new: Option<Rule>,
}

/// A service as one source names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceName {
    /// Its title, as the document has it.
    pub title: String,
    /// Its system service name, if the document gives one.
    pub system_service_name: Option<String>,
}

impl ServiceName {
    fn of(service: &Service) -> ServiceName {
        ServiceName { title: service.title.clone(), system_service_name: service.system_service_name.clone() }
    }
}

/// What became of a service between the old and the new source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ServiceChange {
    /// Only in the new source.
    Added,
    /// Only in the old source.
    Removed,
    /// In both, under another title (compared ignoring case, punctuation and white space).
    Renamed,
    /// In both, under the same title.
    Kept,
}

impl ServiceChange {
    /// Its name in the output.
    pub fn name(self) -> &'static str {
        match self {
            ServiceChange::Added => "added",
            ServiceChange::Removed => "removed",
            ServiceChange::Renamed => "renamed",
            ServiceChange::Kept => "kept",
        }
    }
}

/// One service of the comparison with its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDiff {
    /// The service in the old source, if it is there.
    pub old: Option<ServiceName>,
    /// The service in the new source, if it is there.
    pub new: Option<ServiceName>,
    /// How the old and the new service were paired (`None` for a service of one source).
    pub paired_by: Option<Pairing>,
    /// Its rules, ordered by transport and ports (those that moved to or from another service are
    /// in [`Diff::moves`]).
    pub rows: Vec<DiffRow>,
}

impl ServiceDiff {
    /// The service's title: the new one, else the old one.
    pub fn title(&self) -> &str {
        self.new.as_ref().or(self.old.as_ref()).map_or("", |s| s.title.as_str())
    }

    /// Its title in the old source, if it is there.
    pub fn old_title(&self) -> Option<&str> {
        self.old.as_ref().map(|s| s.title.as_str())
    }

    /// Its system service name: the new source's, else the old one's.
    pub fn system_service_name(&self) -> Option<&str> {
        fn name(s: &Option<ServiceName>) -> Option<&str> {
            s.as_ref().and_then(|s| s.system_service_name.as_deref())
        }
        name(&self.new).or(name(&self.old))
    }

    /// What became of the service.
    pub fn change(&self) -> ServiceChange {
        match (&self.old, &self.new) {
            (Some(old), Some(new)) if pair::loose(&old.title) != pair::loose(&new.title) => ServiceChange::Renamed,
            (Some(_), Some(_)) => ServiceChange::Kept,
            (Some(_), None) => ServiceChange::Removed,
            (None, _) => ServiceChange::Added,
        }
    }

    /// Whether any of its rules is other than `unchanged`.
    pub fn differs(&self) -> bool {
        self.rows.iter().any(|r| r.change != Change::Unchanged)
    }
}

/// A rule that left one service and appeared under another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// The service it left, in the old source.
    pub old_service: ServiceName,
    /// The service it is under in the new source.
    pub new_service: ServiceName,
    /// The rule, with both sides; its change is [`Change::Moved`].
    pub row: DiffRow,
}

/// The comparison of two sources: every service, ordered by title, and the rules that moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// The services, ordered by title (ignoring case).
    pub services: Vec<ServiceDiff>,
    /// The rules that moved from one service to another, ordered by transport and ports.
    pub moves: Vec<Move>,
}

impl Diff {
    /// How many rows there are of `change`.
    pub fn count(&self, change: Change) -> usize {
        self.rows().filter(|r| r.change == change).count()
    }

    /// Whether anything changed.
    pub fn differs(&self) -> bool {
        !self.moves.is_empty() || self.services.iter().any(ServiceDiff::differs)
    }

    /// Every row: those of the services, then the moved ones.
    pub fn rows(&self) -> impl Iterator<Item = &DiffRow> {
        self.services.iter().flat_map(|s| &s.rows).chain(self.moves.iter().map(|m| &m.row))
    }
}

/// Compares two sources' services: see [`services::match_services`] for how services pair,
/// [`rules::compare_rules`] for how their rules do, and [`moves::take_moves`] for moves.
///
/// The rules are compared twice: the port changes that the first comparison finds (1025-5000
/// becoming 49152-65535) then pair up the rules of a service whose application protocol was
/// renamed as well.
pub fn compare(old: &[Service], new: &[Service], asked: &[TitlePair]) -> Result<Diff, UnknownTitle> {
    let pairs = services::match_services(old, new, asked)?;
    let no_rules: &[Rule] = &[];
    let rules_of = |pair: &ServicePair| {
        (pair.old.map_or(no_rules, |i| &old[i].rules), pair.new.map_or(no_rules, |i| &new[i].rules))
    };
    let first: Vec<Vec<RulePair>> = pairs
        .iter()
        .map(|pair| {
            let (o, n) = rules_of(pair);
            compare_rules(o, n, &[])
        })
        .collect();
    let changed = pairs.iter().zip(&first).flat_map(|(pair, found)| {
        let (o, n) = rules_of(pair);
        found.iter().filter(|p| p.change == Change::Changed).filter_map(move |p| Some((&o[p.old?], &n[p.new?])))
    });
    let changes = port_changes(changed);
    let mut diffs: Vec<ServiceDiff> = pairs
        .iter()
        .zip(first)
        .map(|(pair, found)| {
            let (o, n) = rules_of(pair);
            let has = |change| found.iter().any(|p| p.change == change);
            let found = if has(Change::Removed) && has(Change::Added) { compare_rules(o, n, &changes) } else { found };
            ServiceDiff {
                old: pair.old.map(|i| ServiceName::of(&old[i])),
                new: pair.new.map(|i| ServiceName::of(&new[i])),
                paired_by: pair.paired_by,
                rows: rows(o, n, &found),
            }
        })
        .collect();
    let moves = moves::take_moves(&mut diffs);
    diffs.retain(|s| !s.rows.is_empty());
    diffs.sort_by_cached_key(|s| (s.title().to_lowercase(), s.old.clone(), s.new.clone()));
    Ok(Diff { services: diffs, moves })
}

/// The rows of one service's rule pairs, ordered by transport and ports.
fn rows(old_rules: &[Rule], new_rules: &[Rule], pairs: &[RulePair]) -> Vec<DiffRow> {
    let mut rows: Vec<DiffRow> = pairs
        .iter()
        .filter_map(|pair| {
            let old = pair.old.map(|i| old_rules[i].clone());
            let new = pair.new.map(|i| new_rules[i].clone());
            let shown = new.as_ref().or(old.as_ref())?;
            Some(DiffRow {
                change: pair.change,
                application_protocol: shown.application_protocol.clone(),
                transport: shown.transport.clone(),
                old,
                new,
            })
        })
        .collect();
    rows.sort_by_cached_key(row_order);
    rows
}

/// Rows in order of transport and ports (the new side's, else the old one's).
fn row_order(r: &DiffRow) -> impl Ord + use<> {
    let shown = r.new.as_ref().or(r.old.as_ref()).map(|s| (s.port_low, s.port_high, s.line));
    (r.transport.clone(), shown, r.change, r.application_protocol.clone())
}

#[cfg(test)]
mod tests;
