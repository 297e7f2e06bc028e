//! Which port rules a firewall is made of: the user's selection of the rows of `port_rules` by
//! service and source, from one source unless asked otherwise. A service is asked for as `kbingest
//! ports` asks for one ([`crate::ask::find`]): by title or system service name, else by a role's
//! name (`Active Directory`, `Remote Desktop`: [`crate::ask::roles`]), which selects the role's
//! services and says which; a miss names the nearest names.

use super::PortRule;
use crate::ask::find::{self, Reason};
use crate::ask::roles;
use crate::store::StoredService;

/// What the user asked for; empty lists and no source mean every row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Services by title (`--service`): a title or system service name, or a role's name.
    pub services: Vec<String>,
    /// Services by system service name (`--name`): matched as `--service` is.
    pub names: Vec<String>,
    /// A source document's name (`--source`), matched exactly.
    pub source: Option<String>,
}

/// The rows a selection chose, and what the header and standard error say about the choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    /// The rows, in the order of `port_rules`.
    pub rows: Vec<PortRule>,
    /// One sentence per role a service was asked for by, naming the services it selected.
    pub roles: Vec<String>,
}

/// The rows the selection asks for. Every service and source asked for must match at least one
/// row; otherwise the error (one line per miss) names it and the nearest names.
pub fn select(rows: Vec<PortRule>, selection: &Selection) -> std::result::Result<Selected, String> {
    let mut misses = Vec::new();
    if let Some(source) = &selection.source
        && !rows.iter().any(|r| &r.source == source)
    {
        let known: Vec<&str> = rows.iter().map(|r| r.source.as_str()).collect();
        misses.push(miss(
            &format!("no source {:?} in port_rules", super::trace::one_line(source)),
            find::nearest(known, source),
        ));
    }
    // A source that matches nothing filters nothing, so that services are still checked against
    // every row and the nearest names come from all of them.
    let place = match &selection.source {
        Some(source) if misses.is_empty() => format!("in source {:?}", super::trace::one_line(source)),
        _ => "in port_rules".to_string(),
    };
    let rows: Vec<PortRule> = if misses.is_empty() {
        rows.into_iter().filter(|r| selection.source.as_ref().is_none_or(|s| &r.source == s)).collect()
    } else {
        rows
    };
    let (services, of_row) = services_of(&rows);
    let mut chosen = vec![false; services.len()];
    let mut said = Vec::new();
    let asked =
        selection.services.iter().map(|a| ("--service", a)).chain(selection.names.iter().map(|a| ("--name", a)));
    for (option, asked) in asked {
        let role = roles::role_named(asked);
        let found = find::find(&services, asked, role.as_ref(), &[]);
        let named: Vec<usize> = found.iter().filter(|f| f.reason == Reason::Name).map(|f| f.service).collect();
        let of_role: Vec<usize> =
            found.iter().filter(|f| matches!(f.reason, Reason::Role { .. })).map(|f| f.service).collect();
        let hits = if named.is_empty() { of_role.clone() } else { named };
        if hits.is_empty() {
            let what = format!(
                "no service {:?} {place} (by title, system service name or role)",
                super::trace::one_line(asked)
            );
            let what = match &role {
                Some(role) => format!(
                    "{what}: the role {:?} lists {}, none of them here",
                    role.names[0],
                    role.services.join(", ")
                ),
                None => what,
            };
            misses.push(miss(&what, find::nearest_names(&services, &roles::roles(), asked)));
            continue;
        }
        if hits == of_role
            && let Some(role) = &role
        {
            let labels: Vec<String> = hits.iter().map(|&i| label(&services[i])).collect();
            said.push(super::trace::one_line(&format!(
                "{option} {asked:?} is the role {:?} (as `kbingest ports` reads it): {}",
                role.names[0],
                labels.join(", ")
            )));
        }
        for i in hits {
            chosen[i] = true;
        }
    }
    if !misses.is_empty() {
        return Err(misses.join("\n"));
    }
    if selection.services.is_empty() && selection.names.is_empty() {
        return Ok(Selected { rows, roles: said });
    }
    let rows = rows.into_iter().zip(of_row).filter(|(_, i)| chosen[*i]).map(|(r, _)| r).collect();
    Ok(Selected { rows, roles: said })
}

/// The services of `rows`, each once (by source, title and system service name), as `kbingest
/// ports` sees them; and each row's service.
fn services_of(rows: &[PortRule]) -> (Vec<StoredService>, Vec<usize>) {
    let mut services: Vec<StoredService> = Vec::new();
    let mut sources: Vec<&str> = Vec::new();
    let mut of_row = Vec::with_capacity(rows.len());
    for row in rows {
        let at = services.iter().position(|s| {
            s.source == row.source && s.title == row.service && s.system_service_name == row.system_service_name
        });
        let i = at.unwrap_or_else(|| {
            let order = sources.iter().position(|s| *s == row.source).unwrap_or_else(|| {
                sources.push(&row.source);
                sources.len() - 1
            });
            services.push(StoredService {
                id: services.len() as i64,
                source: row.source.clone(),
                source_order: order as i64,
                title: row.service.clone(),
                system_service_name: row.system_service_name.clone(),
                line: i64::from(row.source_line),
                application_protocols: Vec::new(),
            });
            services.len() - 1
        });
        let protocols = &mut services[i].application_protocols;
        if !protocols.contains(&row.application_protocol) {
            protocols.push(row.application_protocol.clone());
        }
        of_row.push(i);
    }
    (services, of_row)
}

/// `Local Security Authority (LSASS)`.
fn label(service: &StoredService) -> String {
    match &service.system_service_name {
        Some(name) => format!("{} ({name})", service.title),
        None => service.title.clone(),
    }
}

/// Refuses rows of more than one source unless `--source` chose one or `--all-sources` merges
/// them on purpose: editions of one document give the same service twice, differently.
pub fn one_source(rows: &[PortRule], selection: &Selection, all_sources: bool) -> std::result::Result<(), String> {
    if all_sources || selection.source.is_some() {
        return Ok(());
    }
    let mut sources: Vec<(&str, usize)> = Vec::new();
    for row in rows {
        match sources.iter_mut().find(|(s, _)| *s == row.source) {
            Some((_, n)) => *n += 1,
            None => sources.push((&row.source, 1)),
        }
    }
    if sources.len() < 2 {
        return Ok(());
    }
    let list: Vec<String> =
        sources.iter().map(|(s, n)| format!("{:?} ({})", super::trace::one_line(s), super::count(*n, "row"))).collect();
    Err(format!(
        "the selection ({}) takes rows from {} sources: {}; choose one with --source NAME, or pass --all-sources to \
         merge them on purpose (the same ports once, traced to every source)",
        describe(selection),
        sources.len(),
        list.join(", ")
    ))
}

/// The selection in words, for the output's header and messages.
pub fn describe(selection: &Selection) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(selection.services.iter().map(|s| format!("--service {s:?}")));
    parts.extend(selection.names.iter().map(|n| format!("--name {n:?}")));
    parts.extend(selection.source.iter().map(|s| format!("--source {s:?}")));
    if parts.is_empty() { "every rule in the database".into() } else { super::trace::one_line(&parts.join(" ")) }
}

/// One line: what matched nothing, and the nearest names.
fn miss(what: &str, near: Vec<String>) -> String {
    if near.is_empty() {
        return what.to_string();
    }
    let near: Vec<String> = near.iter().map(|n| format!("{:?}", super::trace::one_line(n))).collect();
    format!("{what}; the nearest names: {}", near.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(source: &str, service: &str, name: Option<&str>) -> PortRule {
        PortRule {
            source: source.into(),
            service: service.into(),
            system_service_name: name.map(Into::into),
            application_protocol: "DNS".into(),
            transport: Some("TCP".into()),
            ip_protocol: Some(6),
            ports: Some((53, 53)),
            dynamic: false,
            port_raw: "53".into(),
            direction: None,
            icmp_type: None,
            source_ports: None,
            source_line: 1,
        }
    }

    fn rows() -> Vec<PortRule> {
        vec![
            row("a.txt", "DNS Server", Some("DNS")),
            row("a.txt", "Windows Time", Some("W32Time")),
            row("b.txt", "DNS Server", None),
        ]
    }

    #[test]
    fn no_selection_is_every_row() {
        assert_eq!(select(rows(), &Selection::default()).unwrap().rows.len(), 3);
    }

    #[test]
    fn titles_and_names_match_ignoring_case_and_add_up() {
        let sel = Selection { services: vec!["dns server".into()], names: vec!["w32time".into()], source: None };
        assert_eq!(select(rows(), &sel).unwrap().rows.len(), 3);
        let sel = Selection { source: Some("a.txt".into()), ..sel };
        assert_eq!(select(rows(), &sel).unwrap().rows.len(), 2);
        // As `kbingest ports` reads a name: a title or a system service name, either option.
        let sel = Selection { services: vec!["DNS".into()], names: vec!["Windows Time".into()], source: None };
        let two = rows()[..2].to_vec();
        assert_eq!(select(rows(), &sel).unwrap(), Selected { rows: two, roles: Vec::new() }, "b.txt's has no name");
    }

    #[test]
    fn a_role_selects_its_services_and_says_which() {
        let sel = Selection { services: vec!["domain controllers".into()], ..Selection::default() };
        let selected = select(rows(), &sel).unwrap();
        assert_eq!(selected.rows, rows()[..2], "the role names DNS and W32Time");
        assert_eq!(
            selected.roles,
            [
                "--service \"domain controllers\" is the role \"Active Directory\" (as `kbingest ports` reads it): DNS Server \
              (DNS), Windows Time (W32Time)"
            ]
        );
        let sel = Selection { names: vec!["NTP".into()], ..Selection::default() };
        let selected = select(rows(), &sel).unwrap();
        assert_eq!(selected.rows, [rows()[1].clone()]);
        assert!(selected.roles[0].starts_with("--name \"NTP\" is the role \"time\""), "{:?}", selected.roles);
    }

    #[test]
    fn a_miss_names_what_was_asked_and_the_nearest_names() {
        let sel = Selection { services: vec!["DNS Srver".into(), "Windows Tme".into()], ..Selection::default() };
        let e = select(rows(), &sel).unwrap_err();
        let lines: Vec<&str> = e.lines().collect();
        assert!(
            lines[0].starts_with(
                "no service \"DNS Srver\" in port_rules (by title, system service name or role); the nearest names: \
                 \"DNS Server\""
            ),
            "{e}"
        );
        assert!(lines[1].contains("the nearest names: \"Windows Time\""), "{e}");
        let sel = Selection { names: vec!["zzzz".into()], source: Some("c.txt".into()), ..Selection::default() };
        let e = select(rows(), &sel).unwrap_err();
        assert!(e.starts_with("no source \"c.txt\" in port_rules; the nearest names: \"a.txt\", \"b.txt\"\n"), "{e}");
        assert!(e.ends_with("no service \"zzzz\" in port_rules (by title, system service name or role)"), "{e}");
        let sel =
            Selection { services: vec!["windows time".into()], source: Some("b.txt".into()), ..Selection::default() };
        let e = select(rows(), &sel).unwrap_err();
        assert!(e.starts_with("no service \"windows time\" in source \"b.txt\" (by title"), "{e}");
        let sel = Selection { services: vec!["PKI".into()], ..Selection::default() };
        let e = select(rows(), &sel).unwrap_err();
        assert!(e.contains(": the role \"PKI\" lists CertSvc, none of them here"), "{e}");
    }

    #[test]
    fn rows_of_several_sources_are_refused_unless_one_is_chosen_or_all_are_merged() {
        let sel = Selection { services: vec!["DNS Server".into()], ..Selection::default() };
        let rows = select(rows(), &sel).unwrap().rows;
        assert_eq!(
            one_source(&rows, &sel, false).unwrap_err(),
            "the selection (--service \"DNS Server\") takes rows from 2 sources: \"a.txt\" (1 row), \"b.txt\" (1 row); \
             choose one with --source NAME, or pass --all-sources to merge them on purpose (the same ports once, \
             traced to every source)"
        );
        assert!(one_source(&rows, &sel, true).is_ok());
        let chosen = Selection { source: Some("b.txt".into()), ..sel };
        assert!(one_source(&select(super::tests::rows(), &chosen).unwrap().rows, &chosen, false).is_ok());
    }
}
