//! Which port rules a firewall is made of: every row of `port_rules`, read in a fixed order, and
//! the user's selection of them by title, system service name and source.

use super::PortRule;
use crate::error::{Error, Result};
use crate::store::Database;

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

/// Every row of `port_rules`, ordered so that the same database always gives the same rules.
pub fn read_port_rules(db: &Database) -> Result<Vec<PortRule>> {
    let sql = "SELECT source, service, system_service_name, transport, ip_protocol, port_low, port_high, \
               port_kind, direction, icmp_type, source_line FROM port_rules \
               ORDER BY source, source_line, service, ip_protocol, port_low, port_high, direction, icmp_type";
    let mut stmt = db.conn.prepare(sql).map_err(Error::sqlite(&db.path, "reading port_rules"))?;
    let rows = stmt
        .query_map([], |r| {
            let low: Option<i64> = r.get(5)?;
            let high: Option<i64> = r.get(6)?;
            let kind: String = r.get(7)?;
            Ok(PortRule {
                source: r.get(0)?,
                service: r.get(1)?,
                system_service_name: r.get(2)?,
                transport: r.get(3)?,
                ip_protocol: r.get::<_, Option<i64>>(4)?.and_then(|p| u8::try_from(p).ok()),
                ports: low.zip(high).and_then(|(l, h)| Some((u16::try_from(l).ok()?, u16::try_from(h).ok()?))),
                dynamic: kind == "dynamic",
                direction: r.get(8)?,
                icmp_type: r.get::<_, Option<i64>>(9)?.and_then(|t| u8::try_from(t).ok()),
                source_line: u32::try_from(r.get::<_, i64>(10)?).unwrap_or(1),
            })
        })
        .map_err(Error::sqlite(&db.path, "reading port_rules"))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Error::sqlite(&db.path, "reading port_rules"))
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
            transport: Some("TCP".into()),
            ip_protocol: Some(6),
            ports: Some((53, 53)),
            dynamic: false,
            direction: None,
            icmp_type: None,
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
}
