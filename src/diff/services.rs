//! Matching the services of two editions: the pairs the user names, then by system service name,
//! then by title.

use super::Service;
use super::pair::{loose, pair_by};

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

/// One service of the comparison: its index in the old source, in the new one, or both.
pub type ServicePair = (Option<usize>, Option<usize>);

/// Pairs the services of two editions. First the pairs asked for (titles compared ignoring case,
/// punctuation and white space); then those with the same system service name (ignoring case,
/// as Windows does), preferring the same title where a name is shared; then those with the same
/// title. Services that share a key on both sides pair in document order. Every service is in
/// exactly one returned pair; the result does not depend on which side is old, except for the
/// direction of `asked`.
pub fn match_services(old: &[Service], new: &[Service], asked: &[TitlePair]) -> Result<Vec<ServicePair>, UnknownTitle> {
    let mut unpaired_old: Vec<usize> = (0..old.len()).collect();
    let mut unpaired_new: Vec<usize> = (0..new.len()).collect();
    let mut pairs: Vec<ServicePair> = Vec::new();
    for pair in asked {
        let o = take_titled(old, &mut unpaired_old, &pair.old)
            .ok_or(UnknownTitle { old: true, title: pair.old.clone() })?;
        let n = take_titled(new, &mut unpaired_new, &pair.new)
            .ok_or(UnknownTitle { old: false, title: pair.new.clone() })?;
        pairs.push((Some(o), Some(n)));
    }
    for step in [MatchBy::NameAndTitle, MatchBy::Name, MatchBy::Title] {
        let found = pair_by((old, &mut unpaired_old), (new, &mut unpaired_new), |s| step.key(s), |s| s.line);
        pairs.extend(found.into_iter().map(|(o, n)| (Some(o), Some(n))));
    }
    pairs.extend(unpaired_old.into_iter().map(|o| (Some(o), None)));
    pairs.extend(unpaired_new.into_iter().map(|n| (None, Some(n))));
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

    fn sorted(mut pairs: Vec<ServicePair>) -> Vec<ServicePair> {
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
        assert_eq!(match_services(&old, &new, std::slice::from_ref(&asked)).unwrap(), vec![(Some(0), Some(0))]);
        let wrong = TitlePair { old: "SSDP".into(), new: asked.new.clone() };
        assert_eq!(match_services(&old, &new, &[wrong]), Err(UnknownTitle { old: true, title: "SSDP".into() }));
        assert_eq!(
            match_services(&old, &new, &[asked.clone(), asked]),
            Err(UnknownTitle { old: true, title: "ssdp discovery service".into() })
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
