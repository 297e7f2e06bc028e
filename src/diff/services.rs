//! Matching the services of two editions: the pairs the user names, then by system service name,
//! then by title, then by likeness of title and ports ([`super::similar`]).

use super::Service;
use super::pair::{loose, pair_by};
use super::similar::pair_alike;

/// A pair of titles the user says are one service (`--match 'OLD TITLE=NEW TITLE'`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitlePair {
    /// The service's title in the old source.
    pub old: String,
    /// Its title in the new source.
    pub new: String,
}

impl std::str::FromStr for TitlePair {
    type Err = String;

    /// Reads `OLD TITLE=NEW TITLE` (split at the first `=`).
    fn from_str(text: &str) -> Result<TitlePair, String> {
        match text.split_once('=') {
            Some((old, new)) if !old.trim().is_empty() && !new.trim().is_empty() => {
                Ok(TitlePair { old: old.trim().to_string(), new: new.trim().to_string() })
            }
            _ => Err(format!("expected 'OLD TITLE=NEW TITLE', found {text:?}")),
        }
    }
}

/// A `--match` title that names no service of its side (which side: `old` is true for the old one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTitle {
    /// Whether the title was to be found in the old source (else in the new one).
    pub old: bool,
    /// The title as given.
    pub title: String,
}

/// How a service of the old source was paired with one of the new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pairing {
    /// The user asked for it (`--match`).
    Asked,
    /// The same system service name.
    SystemServiceName,
    /// The same title (ignoring case, punctuation and white space).
    Title,
    /// Alike titles and shared ports ([`super::similar`]).
    Likeness,
}

impl Pairing {
    /// Its name in the output.
    pub fn name(self) -> &'static str {
        match self {
            Pairing::Asked => "match",
            Pairing::SystemServiceName => "system_service_name",
            Pairing::Title => "title",
            Pairing::Likeness => "likeness",
        }
    }
}

/// One service of the comparison: its index in the old source, in the new one, or both, and how
/// the two were paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ServicePair {
    /// Its index among the old services.
    pub old: Option<usize>,
    /// Its index among the new services.
    pub new: Option<usize>,
    /// How the two were paired (`None` for a service of one side).
    pub paired_by: Option<Pairing>,
}

/// Pairs the services of two editions. First the pairs asked for (titles compared ignoring case,
/// punctuation and white space); then those with the same system service name (ignoring case,
/// as Windows does), preferring the same title where a name is shared; then those with the same
/// title; then those alike in title and ports ([`super::similar`]). Services that share a key on
/// both sides pair in document order. Every service is in exactly one returned pair; the result
/// does not depend on which side is old, except for the direction of `asked`.
pub fn match_services(old: &[Service], new: &[Service], asked: &[TitlePair]) -> Result<Vec<ServicePair>, UnknownTitle> {
    let mut unpaired_old: Vec<usize> = (0..old.len()).collect();
    let mut unpaired_new: Vec<usize> = (0..new.len()).collect();
    let mut pairs: Vec<ServicePair> = Vec::new();
    let both =
        |by: Pairing| move |(o, n): (usize, usize)| ServicePair { old: Some(o), new: Some(n), paired_by: Some(by) };
    for pair in asked {
        let o = take_titled(old, &mut unpaired_old, &pair.old)
            .ok_or(UnknownTitle { old: true, title: pair.old.clone() })?;
        let n = take_titled(new, &mut unpaired_new, &pair.new)
            .ok_or(UnknownTitle { old: false, title: pair.new.clone() })?;
        pairs.push(both(Pairing::Asked)((o, n)));
    }
    for step in [MatchBy::NameAndTitle, MatchBy::Name, MatchBy::Title] {
        let found = pair_by((old, &mut unpaired_old), (new, &mut unpaired_new), |s| step.key(s), |s| s.line);
        pairs.extend(found.into_iter().map(both(step.pairing())));
    }
    let alike = pair_alike((old, &mut unpaired_old), (new, &mut unpaired_new));
    pairs.extend(alike.into_iter().map(both(Pairing::Likeness)));
    pairs.extend(unpaired_old.into_iter().map(|o| ServicePair { old: Some(o), new: None, paired_by: None }));
    pairs.extend(unpaired_new.into_iter().map(|n| ServicePair { old: None, new: Some(n), paired_by: None }));
    Ok(pairs)
}

/// What services are matched by, in the order the steps are taken.
#[derive(Debug, Clone, Copy)]
enum MatchBy {
    /// The same system service name and title (where a name is shared by several services).
    NameAndTitle,
    /// The same system service name.
    Name,
    /// The same title.
    Title,
}

impl MatchBy {
    /// How the pairs this step finds are paired.
    fn pairing(self) -> Pairing {
        match self {
            MatchBy::NameAndTitle | MatchBy::Name => Pairing::SystemServiceName,
            MatchBy::Title => Pairing::Title,
        }
    }

    /// A service's key in this step; `None` where it has none (no system service name).
    fn key(self, service: &Service) -> Option<(String, String)> {
        let name = || service.system_service_name.as_deref().map(str::to_lowercase);
        match self {
            MatchBy::NameAndTitle => Some((name()?, loose(&service.title))),
            MatchBy::Name => Some((name()?, String::new())),
            MatchBy::Title => Some((String::new(), loose(&service.title))),
        }
    }
}

/// Takes the first unpaired service titled `title` (loosely) out of `unpaired`.
fn take_titled(services: &[Service], unpaired: &mut Vec<usize>, title: &str) -> Option<usize> {
    let wanted = loose(title);
    let at = unpaired.iter().position(|&i| loose(&services[i].title) == wanted)?;
    Some(unpaired.remove(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(title: &str, name: Option<&str>, line: i64) -> Service {
        Service { title: title.into(), system_service_name: name.map(String::from), line, rules: Vec::new() }
    }

    /// The pairs as (old, new), sorted.
    fn sorted(pairs: Vec<ServicePair>) -> Vec<(Option<usize>, Option<usize>)> {
        let mut pairs: Vec<_> = pairs.into_iter().map(|p| (p.old, p.new)).collect();
        pairs.sort();
        pairs
    }

    #[test]
    fn by_system_service_name_ignoring_case_then_by_title() {
        let old = [
            service("Local Security Authority", Some("LSASS"), 1),
            service("Kerberos Key Distribution Center", Some("Kdc"), 2),
            service("Exchange Server", None, 3),
            service("Messenger", Some("Messenger"), 4),
        ];
        let new = [
            service("Exchange  server", None, 1),
            service("Active Directory (local security authority)", Some("LSASS"), 2),
            service("Kerberos Key Distribution Center", Some("kdc"), 3),
            service("Hyper-V service", None, 4),
        ];
        let pairs = match_services(&old, &new, &[]).unwrap();
        assert_eq!(
            sorted(pairs),
            vec![(None, Some(3)), (Some(0), Some(1)), (Some(1), Some(2)), (Some(2), Some(0)), (Some(3), None)]
        );
    }

    #[test]
    fn a_shared_system_service_name_prefers_the_same_title() {
        let old = [service("MSSQL$UDDI", Some("SQLSERVR"), 1), service("Microsoft SQL Server", Some("SQLSERVR"), 2)];
        let new = [service("Microsoft SQL Server", Some("SQLSERVR"), 1)];
        assert_eq!(sorted(match_services(&old, &new, &[]).unwrap()), vec![(Some(0), None), (Some(1), Some(0))]);
    }

    #[test]
    fn asked_pairs_come_first_and_unknown_titles_are_reported() {
        let old = [service("SSDP Discovery Service", Some("SSDPRSRV"), 1)];
        let new = [service("Simple Service Discovery Protocol (SSDP) Discovery Service", Some("SSDPRSR"), 1)];
        assert_eq!(sorted(match_services(&old, &new, &[]).unwrap()), vec![(None, Some(0)), (Some(0), None)]);
        let asked: TitlePair =
            "ssdp discovery service=Simple Service Discovery Protocol (SSDP) Discovery Service".parse().unwrap();
        assert_eq!(
            match_services(&old, &new, std::slice::from_ref(&asked)).unwrap(),
            vec![ServicePair { old: Some(0), new: Some(0), paired_by: Some(Pairing::Asked) }]
        );
        let wrong = TitlePair { old: "SSDP".into(), new: asked.new.clone() };
        assert_eq!(match_services(&old, &new, &[wrong]), Err(UnknownTitle { old: true, title: "SSDP".into() }));
        assert_eq!(
            match_services(&old, &new, &[asked.clone(), asked]),
            Err(UnknownTitle { old: true, title: "ssdp discovery service".into() })
        );
    }

    #[test]
    fn what_names_and_titles_leave_pairs_by_likeness_and_says_so() {
        let rule = |port| crate::diff::Rule {
            application_protocol: "SSDP".into(),
            transport: Some("UDP".into()),
            port_low: Some(port),
            port_high: Some(port),
            port_kind: "fixed".into(),
            line: 1,
        };
        let with_rules = |s: Service, ports: &[i64]| Service { rules: ports.iter().map(|&p| rule(p)).collect(), ..s };
        let old = [
            with_rules(service("SSDP Discovery Service", Some("SSDPRSRV"), 1), &[1900]),
            with_rules(service("DNS Server", Some("DNS"), 2), &[53]),
        ];
        let new = [
            with_rules(service("DNS Server", Some("dns"), 1), &[53]),
            with_rules(
                service("Simple Service Discovery Protocol (SSDP) Discovery Service", Some("SSDPRSR"), 2),
                &[1900],
            ),
        ];
        let mut pairs = match_services(&old, &new, &[]).unwrap();
        pairs.sort();
        let found: Vec<_> = pairs.iter().map(|p| (p.old, p.new, p.paired_by)).collect();
        assert_eq!(
            found,
            vec![(Some(0), Some(1), Some(Pairing::Likeness)), (Some(1), Some(0), Some(Pairing::SystemServiceName))]
        );
    }

    #[test]
    fn title_pairs_need_both_titles() {
        assert!("A=B".parse::<TitlePair>().is_ok());
        assert_eq!("A = B=C".parse::<TitlePair>().unwrap(), TitlePair { old: "A".into(), new: "B=C".into() });
        for bad in ["AB", "=B", "A=", " = "] {
            assert!(bad.parse::<TitlePair>().is_err(), "{bad}");
        }
    }
}
