//! `kbingest diff`: what changed between two editions of a port reference. Services and rules are
//! read from the database into plain records ([`read`]), compared by pure functions ([`services`]
//! matches services, [`rules`] compares their rules) and written out ([`report`]) through the one
//! writer of `export` and `query`.

mod pair;
pub mod read;
pub mod report;
pub mod rules;
pub mod services;

pub use services::{TitlePair, UnknownTitle};

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
    /// In both, the same.
    Unchanged,
}

impl Change {
    /// Every change, in the order reports count them.
    pub const ALL: [Change; 4] = [Change::Added, Change::Removed, Change::Changed, Change::Unchanged];

    /// Its name in the output.
    pub fn name(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
            Change::Unchanged => "unchanged",
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

/// One service of the comparison with its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDiff {
    /// Its title in the old source, if it is there.
    pub old_title: Option<String>,
    /// Its title in the new source, if it is there.
    pub new_title: Option<String>,
    /// Its system service name (the new source's, else the old one's).
    pub system_service_name: Option<String>,
    /// Its rules, ordered by transport and ports.
    pub rows: Vec<DiffRow>,
}

impl ServiceDiff {
    /// The service's title: the new one, else the old one.
    pub fn title(&self) -> &str {
        self.new_title.as_deref().or(self.old_title.as_deref()).unwrap_or_default()
    }

    /// Whether any of its rules is other than `unchanged`.
    pub fn differs(&self) -> bool {
        self.rows.iter().any(|r| r.change != Change::Unchanged)
    }
}

/// The comparison of two sources: every service, ordered by title.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// The services, ordered by title (ignoring case).
    pub services: Vec<ServiceDiff>,
}

impl Diff {
    /// How many rows there are of `change`.
    pub fn count(&self, change: Change) -> usize {
        self.rows().filter(|r| r.change == change).count()
    }

    /// Whether anything changed.
    pub fn differs(&self) -> bool {
        self.services.iter().any(ServiceDiff::differs)
    }

    /// Every row with its service.
    pub fn rows(&self) -> impl Iterator<Item = &DiffRow> {
        self.services.iter().flat_map(|s| &s.rows)
    }
}

/// Compares two sources' services: see [`services::match_services`] for how services pair and
/// [`rules::compare_rules`] for how their rules do.
pub fn compare(old: &[Service], new: &[Service], asked: &[TitlePair]) -> Result<Diff, UnknownTitle> {
    let pairs = services::match_services(old, new, asked)?;
    let mut diffs: Vec<ServiceDiff> = pairs
        .into_iter()
        .map(|(o, n)| compare_service(o.map(|i| &old[i]), n.map(|i| &new[i])))
        .filter(|s| !s.rows.is_empty())
        .collect();
    diffs.sort_by_cached_key(|s| (s.title().to_lowercase(), s.old_title.clone(), s.new_title.clone()));
    Ok(Diff { services: diffs })
}

fn compare_service(old: Option<&Service>, new: Option<&Service>) -> ServiceDiff {
    let no_rules: &[Rule] = &[];
    let old_rules = old.map_or(no_rules, |s| &s.rules);
    let new_rules = new.map_or(no_rules, |s| &s.rules);
    let mut rows: Vec<DiffRow> = rules::compare_rules(old_rules, new_rules)
        .into_iter()
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
    rows.sort_by_cached_key(|r| {
        let shown = r.new.as_ref().or(r.old.as_ref()).map(|s| (s.port_low, s.port_high, s.line));
        (r.transport.clone(), shown, r.change, r.application_protocol.clone())
    });
    ServiceDiff {
        old_title: old.map(|s| s.title.clone()),
        new_title: new.map(|s| s.title.clone()),
        system_service_name: new.or(old).and_then(|s| s.system_service_name.clone()),
        rows,
    }
}

#[cfg(test)]
mod tests;
