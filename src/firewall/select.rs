//! Which port rules a firewall is made of: the user's selection of the rows of `port_rules` by
//! title, system service name and source, from one source unless asked otherwise.

use super::PortRule;

/// What the user asked for; empty lists and no source mean every row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Section titles (`--service`), matched ignoring case.
    pub services: Vec<String>,
    /// System service names (`--name`), matched ignoring case.
    pub names: Vec<String>,
    /// A source document's name (`--source`), matched exactly.
    pub source: Option<String>,
}

/// The rows the selection asks for. Every title, name and source asked for must match at least
/// one row; otherwise the error (one line per miss) names it and suggests close ones.
pub fn select(rows: Vec<PortRule>, selection: &Selection) -> std::result::Result<Vec<PortRule>, String> {
    let mut misses = Vec::new();
    if let Some(source) = &selection.source
        && !rows.iter().any(|r| &r.source == source)
    {
        misses.push(miss("source", source, "in port_rules", rows.iter().map(|r| r.source.as_str())));
    }
    // A source that matches nothing filters nothing, so that titles are still checked against
    // every row and the suggestions come from all of them.
    let place = match &selection.source {
        Some(source) if misses.is_empty() => format!("in source {:?}", super::trace::one_line(source)),
        _ => "in port_rules".to_string(),
    };
    let rows: Vec<PortRule> = if misses.is_empty() {
        rows.into_iter().filter(|r| selection.source.as_ref().is_none_or(|s| &r.source == s)).collect()
    } else {
        rows
    };
    for title in &selection.services {
        if !rows.iter().any(|r| title_matches(r, title)) {
            misses.push(miss("service titled", title, &place, rows.iter().map(|r| r.service.as_str())));
        }
    }
    for name in &selection.names {
        if !rows.iter().any(|r| name_matches(r, name)) {
            misses.push(miss(
                "system service name",
                name,
                &place,
                rows.iter().filter_map(|r| r.system_service_name.as_deref()),
            ));
        }
    }
    if !misses.is_empty() {
        return Err(misses.join("\n"));
    }
    if selection.services.is_empty() && selection.names.is_empty() {
        return Ok(rows);
    }
    Ok(rows
        .into_iter()
        .filter(|r| {
            selection.services.iter().any(|t| title_matches(r, t)) || selection.names.iter().any(|n| name_matches(r, n))
        })
        .collect())
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

fn title_matches(row: &PortRule, title: &str) -> bool {
    row.service.to_lowercase() == title.to_lowercase()
}

fn name_matches(row: &PortRule, name: &str) -> bool {
    row.system_service_name.as_ref().is_some_and(|n| n.to_lowercase() == name.to_lowercase())
}

/// One line: nothing matched `asked`, with up to three close candidates.
fn miss<'a>(what: &str, asked: &str, place: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let mut known: Vec<&str> = candidates.collect();
    known.sort_unstable();
    known.dedup();
    let close = suggestions(asked, &known);
    let asked = super::trace::one_line(asked);
    match close.as_slice() {
        [] => format!("no {what} {asked:?} {place}"),
        _ => {
            let list: Vec<String> = close.iter().map(|c| format!("{:?}", super::trace::one_line(c))).collect();
            format!("no {what} {asked:?} {place} (did you mean {}?)", list.join(" or "))
        }
    }
}

/// Up to three of `known` closest to `asked`: those containing it, then the most similar of
/// those similar enough (Jaro-Winkler 0.8, or a quarter of the letters mistyped).
pub fn suggestions<'a>(asked: &str, known: &[&'a str]) -> Vec<&'a str> {
    let asked = asked.to_lowercase();
    let typos = (asked.chars().count() / 4).max(1);
    let mut scored: Vec<(f64, &str)> = known
        .iter()
        .filter_map(|k| {
            let lower = k.to_lowercase();
            let contains = !asked.is_empty() && (lower.contains(&asked) || asked.contains(&lower));
            let similarity = strsim::jaro_winkler(&asked, &lower);
            let close = contains || similarity >= 0.8 || strsim::damerau_levenshtein(&asked, &lower) <= typos;
            close.then_some((similarity + if contains { 1.0 } else { 0.0 }, *k))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, k)| k).collect()
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
        assert_eq!(select(rows(), &Selection::default()).unwrap().len(), 3);
    }

    #[test]
    fn titles_and_names_match_ignoring_case_and_add_up() {
        let sel = Selection { services: vec!["dns server".into()], names: vec!["w32time".into()], source: None };
        assert_eq!(select(rows(), &sel).unwrap().len(), 3);
        let sel = Selection { source: Some("a.txt".into()), ..sel };
        assert_eq!(select(rows(), &sel).unwrap().len(), 2);
    }

    #[test]
    fn a_miss_names_what_was_asked_and_suggests_close_titles() {
        let sel = Selection { services: vec!["DNS".into(), "Windows Tme".into()], ..Selection::default() };
        let e = select(rows(), &sel).unwrap_err();
        assert_eq!(
            e,
            "no service titled \"DNS\" in port_rules (did you mean \"DNS Server\"?)\n\
             no service titled \"Windows Tme\" in port_rules (did you mean \"Windows Time\"?)"
        );
        let sel = Selection { names: vec!["zzzz".into()], source: Some("c.txt".into()), ..Selection::default() };
        let e = select(rows(), &sel).unwrap_err();
        assert!(e.starts_with("no source \"c.txt\" in port_rules (did you mean \"a.txt\" or \"b.txt\"?)\n"), "{e}");
        assert!(e.ends_with("no system service name \"zzzz\" in port_rules"), "{e}");
        let sel =
            Selection { services: vec!["windows time".into()], source: Some("b.txt".into()), ..Selection::default() };
        let e = select(rows(), &sel).unwrap_err();
        assert_eq!(e, "no service titled \"windows time\" in source \"b.txt\"");
    }

    #[test]
    fn rows_of_several_sources_are_refused_unless_one_is_chosen_or_all_are_merged() {
        let sel = Selection { services: vec!["DNS Server".into()], ..Selection::default() };
        let rows = select(rows(), &sel).unwrap();
        assert_eq!(
            one_source(&rows, &sel, false).unwrap_err(),
            "the selection (--service \"DNS Server\") takes rows from 2 sources: \"a.txt\" (1 row), \"b.txt\" (1 row); \
             choose one with --source NAME, or pass --all-sources to merge them on purpose (the same ports once, \
             traced to every source)"
        );
        assert!(one_source(&rows, &sel, true).is_ok());
        let chosen = Selection { source: Some("b.txt".into()), ..sel };
        assert!(one_source(&select(super::tests::rows(), &chosen).unwrap(), &chosen, false).is_ok());
    }
}
