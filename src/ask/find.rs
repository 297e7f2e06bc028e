//! Which services a question names, best first: a pure function of the services a database holds,
//! the role list and what the full-text index found.

use super::roles::{Role, key};
use crate::store::StoredService;

/// Why a service was found: the better the reason, the earlier it is listed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// Its title or system service name is what was asked.
    Name,
    /// It is the `rank`-th service of the role asked for (its usual name in `role`).
    Role { rank: usize, role: String },
    /// Its title or system service name holds every word asked.
    NameWords,
    /// The application protocols of some of its rules are or hold what was asked: only those rules.
    Protocol { protocols: Vec<String> },
    /// Its description holds the words (the full-text index), the `rank`-th best.
    Text { rank: usize },
}

impl Reason {
    /// How the reason reads after a service's name.
    pub fn describe(&self, asked: &str) -> String {
        match self {
            Reason::Name => format!("named {asked:?}"),
            Reason::Role { role, .. } if key(role) == key(asked) => format!("a service of the role {role:?}"),
            Reason::Role { role, .. } => format!("a service of the role {role:?} ({asked:?})"),
            Reason::NameWords => format!("its name holds {asked:?}"),
            Reason::Protocol { protocols } => format!("application protocol {}", protocols.join(", ")),
            Reason::Text { .. } => format!("its description mentions {asked:?}"),
        }
    }
}

/// A service found, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Its index in the services given to [`find`].
    pub service: usize,
    /// Why it was found.
    pub reason: Reason,
}

/// The words of a question, as the full-text index splits them.
pub fn words(asked: &str) -> Vec<String> {
    key(asked).split(' ').filter(|w| !w.is_empty()).map(String::from).collect()
}

/// The services `asked` names, best first: by title or system service name, by role, by the words
/// of their names, by application protocol; only when none of these finds one, by the words of
/// their descriptions (`text_hits`: service ids from the full-text index, best first). Each service
/// is listed once, for its best reason; services of one reason are in the order of the role's list
/// (for a role), then the sources' order, then document order.
pub fn find(services: &[StoredService], asked: &str, role: Option<&Role>, text_hits: &[i64]) -> Vec<Found> {
    let asked_key = key(asked);
    let asked_words = words(asked);
    let names_of = |s: &StoredService| -> Vec<String> {
        let mut names = vec![key(&s.title), key(strip_parenthesis(&s.title))];
        names.extend(s.system_service_name.iter().flat_map(|n| n.split(',')).map(key));
        names
    };
    let holds_words = |text: &str| {
        let text_words: Vec<&str> = text.split(' ').collect();
        !asked_words.is_empty() && asked_words.iter().all(|w| text_words.contains(&w.as_str()))
    };
    let mut found: Vec<Found> = Vec::new();
    for (i, service) in services.iter().enumerate() {
        let names = names_of(service);
        let reason = if !asked_key.is_empty() && names.contains(&asked_key) {
            Some(Reason::Name)
        } else if let Some(rank) = role.and_then(|r| r.services.iter().position(|target| names.contains(&key(target))))
        {
            Some(Reason::Role { rank, role: role.map(|r| r.names[0].clone()).unwrap_or_default() })
        } else if names.iter().any(|n| holds_words(n)) {
            Some(Reason::NameWords)
        } else {
            let protocols: Vec<String> = service
                .application_protocols
                .iter()
                .filter(|p| key(p) == asked_key || holds_words(&key(p)))
                .cloned()
                .collect();
            (!protocols.is_empty()).then_some(Reason::Protocol { protocols })
        };
        if let Some(reason) = reason {
            found.push(Found { service: i, reason });
        }
    }
    if found.is_empty() {
        for (rank, id) in text_hits.iter().enumerate() {
            if let Some(i) = services.iter().position(|s| s.id == *id) {
                found.push(Found { service: i, reason: Reason::Text { rank } });
            }
        }
    }
    found.sort_by(|a, b| {
        let order = |f: &Found| (services[f.service].source_order, services[f.service].line, services[f.service].id);
        a.reason.cmp(&b.reason).then_with(|| order(a).cmp(&order(b)))
    });
    found
}

/// A title without a last parenthesised part: `Remote Procedure Call (RPC)` -> `Remote Procedure Call`.
fn strip_parenthesis(title: &str) -> &str {
    match title.trim_end().strip_suffix(')').and_then(|t| t.rfind('(').map(|at| &title[..at])) {
        Some(rest) if !rest.trim().is_empty() => rest.trim_end(),
        _ => title,
    }
}

/// Up to five names close to `asked`, from the titles and system service names of `services` and
/// the names of `roles`: the nearest names, for a question that finds nothing.
pub fn nearest_names(services: &[StoredService], roles: &[Role], asked: &str) -> Vec<String> {
    let known: Vec<&str> = services
        .iter()
        .flat_map(|s| std::iter::once(s.title.as_str()).chain(s.system_service_name.as_deref()))
        .chain(roles.iter().flat_map(|r| r.names.iter().map(String::as_str)))
        .collect();
    nearest(known, asked)
}

/// Up to five of `known` close to `asked` (ignoring case): similar (Jaro-Winkler 0.8, or a quarter
/// of the letters mistyped) or sharing a word of three letters or more, the most similar first.
pub fn nearest(mut known: Vec<&str>, asked: &str) -> Vec<String> {
    known.sort_unstable_by_key(|k| k.to_lowercase());
    known.dedup_by_key(|k| k.to_lowercase());
    let asked = asked.to_lowercase();
    let typos = (asked.chars().count() / 4).max(1);
    let mut scored: Vec<(f64, &str)> = known
        .into_iter()
        .filter_map(|k| {
            let lower = k.to_lowercase();
            let similarity = strsim::jaro_winkler(&asked, &lower);
            let shared = words(&asked).iter().any(|w| w.len() > 2 && words(&lower).contains(w));
            let close = similarity >= 0.8 || strsim::damerau_levenshtein(&asked, &lower) <= typos || shared;
            close.then_some((similarity + if shared { 0.5 } else { 0.0 }, k))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(5).map(|(_, k)| k.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ask::roles::role_named;

    fn service(id: i64, title: &str, name: Option<&str>, protocols: &[&str]) -> StoredService {
        StoredService {
            id,
            source: "a.txt".into(),
            source_order: 1,
            title: title.into(),
            system_service_name: name.map(String::from),
            line: id * 10,
            application_protocols: protocols.iter().map(|p| p.to_string()).collect(),
        }
    }

    fn sample() -> Vec<StoredService> {
        vec![
            service(1, "DNS Server", Some("DNS"), &["DNS"]),
            service(2, "Local Security Authority", Some("LSASS"), &["LDAP", "LDAP SSL", "RPC"]),
            service(3, "Kerberos Key Distribution Center", Some("Kdc"), &["Kerberos"]),
            service(4, "NetMeeting Remote Desktop Sharing", Some("mnmsrvc"), &["Terminal Services"]),
            service(5, "Terminal Services", Some("TermService"), &["Terminal Services"]),
            service(6, "Remote Procedure Call (RPC)", Some("RpcSs"), &["RPC"]),
        ]
    }

    fn titles(services: &[StoredService], found: &[Found]) -> Vec<String> {
        found.iter().map(|f| services[f.service].title.clone()).collect()
    }

    #[test]
    fn a_role_lists_its_services_in_its_order_before_other_matches() {
        let s = sample();
        let found = find(&s, "Active Directory", role_named("Active Directory").as_ref(), &[]);
        assert_eq!(titles(&s, &found), ["Local Security Authority", "Kerberos Key Distribution Center", "DNS Server"]);
        let found = find(&s, "remote desktop", role_named("remote desktop").as_ref(), &[4]);
        assert_eq!(titles(&s, &found), ["Terminal Services", "NetMeeting Remote Desktop Sharing"]);
    }

    #[test]
    fn names_then_words_then_protocols_and_text_only_when_nothing_else() {
        let s = sample();
        assert_eq!(titles(&s, &find(&s, "dns", None, &[2])), ["DNS Server"]);
        assert_eq!(titles(&s, &find(&s, "Remote Procedure Call", None, &[])), ["Remote Procedure Call (RPC)"]);
        assert_eq!(find(&s, "rpcss", None, &[])[0].reason, Reason::Name);
        let ldap = find(&s, "ldap", None, &[]);
        assert_eq!(ldap[0].reason, Reason::Protocol { protocols: vec!["LDAP".into(), "LDAP SSL".into()] });
        let text = find(&s, "replication", None, &[3, 1, 99]);
        assert_eq!(titles(&s, &text), ["Kerberos Key Distribution Center", "DNS Server"]);
        assert!(find(&s, "nothing like it", None, &[]).is_empty());
    }

    #[test]
    fn nearest_names_for_a_miss() {
        let s = sample();
        let near = nearest_names(&s, &crate::ask::roles::roles(), "Kerberos Key Distribution Centre");
        assert_eq!(near[0], "Kerberos Key Distribution Center");
        let near = nearest_names(&s, &crate::ask::roles::roles(), "Actve Directory");
        assert!(near.contains(&"Active Directory".to_string()), "{near:?}");
    }

    #[test]
    fn titles_lose_a_last_parenthesis_only() {
        assert_eq!(strip_parenthesis("Remote Procedure Call (RPC)"), "Remote Procedure Call");
        assert_eq!(strip_parenthesis("(RPC)"), "(RPC)");
        assert_eq!(strip_parenthesis("DNS Server"), "DNS Server");
    }
}
