//! Dynamic ports as a firewall opens them. A page may give alternatives for one dynamic row (KB
//! 832017: 1024-65535 on older systems, 49152-65535 on newer), state one range (`RANDOM`, which
//! ingest reads as 1025-5000), or state none. `--dynamic-range` chooses: one alternative, the
//! range for rows that state none, or the hosts' own range for every dynamic row; each rule says
//! what was chosen and what was left out.

use super::{DynamicRange, PortRule};
use crate::normalize::LEGACY_DYNAMIC_RANGE;
use crate::normalize::wide::MODERN_DYNAMIC_RANGE;
use std::collections::HashMap;

/// A row with the ports a firewall opens for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The row.
    pub row: PortRule,
    /// The ports to open: the row's own, or the dynamic range chosen for it.
    pub ports: Option<(u16, u16)>,
    /// What the rule's comment says about how the ports were chosen, without line numbers.
    pub remark: Option<String>,
    /// Whether the ports are one of the ranges the page itself gives as alternatives for this
    /// dynamic row, and the user's `--dynamic-range legacy` chose it: a documented dynamic range
    /// asked for by name, which [`super::wide`] opens however wide, saying how wide. The default
    /// (`modern`) is nobody's explicit choice, so it never opens a wide range on its own.
    pub chosen_alternative: bool,
}

/// The rows of one table row that give the same service's dynamic ports differently.
type Alternatives = HashMap<(String, u32, String, Option<u8>, String, Option<String>), Vec<(u16, u16)>>;

/// Each row with the ports to open; of a row's alternatives only the chosen one is kept.
pub fn resolve(rows: Vec<PortRule>, choice: DynamicRange) -> Vec<Requirement> {
    let key = |r: &PortRule| {
        (
            r.source.clone(),
            r.source_line,
            r.service.clone(),
            r.ip_protocol,
            r.application_protocol.clone(),
            r.direction.clone(),
        )
    };
    let mut alternatives: Alternatives = HashMap::new();
    for row in rows.iter().filter(|r| r.dynamic) {
        if let Some(range) = row.ports {
            let ranges = alternatives.entry(key(row)).or_default();
            if !ranges.contains(&range) {
                ranges.push(range);
            }
        }
    }
    let mut replaced_once = std::collections::HashSet::new();
    let mut out = Vec::new();
    for row in rows {
        if !row.dynamic {
            out.push(Requirement { ports: row.ports, remark: None, chosen_alternative: false, row });
            continue;
        }
        let Some(range) = row.ports else {
            let opened = choice.unstated();
            let remark = format!("no range stated, {} by --dynamic-range {}", show(opened), choice.name());
            out.push(Requirement { ports: Some(opened), remark: Some(remark), chosen_alternative: false, row });
            continue;
        };
        let mut given = alternatives.get(&key(&row)).cloned().unwrap_or_default();
        given.sort_unstable();
        let stated: Vec<String> = given.iter().map(|r| show(*r)).collect();
        let (ports, remark, chosen_alternative) = match choice {
            DynamicRange::Range(low, high) => {
                if !replaced_once.insert(key(&row)) {
                    continue;
                }
                let opened = (low, high);
                (
                    opened,
                    format!(
                        "{} by --dynamic-range {} instead of the document's {}",
                        show(opened),
                        choice.name(),
                        stated.join(" or ")
                    ),
                    false,
                )
            }
            _ if given.len() < 2 => (range, held(&row.port_raw, range), false),
            _ => {
                let chosen = pick(&given, choice);
                if range != chosen {
                    continue;
                }
                let others: Vec<String> = given.iter().filter(|r| **r != chosen).map(|r| show(*r)).collect();
                (
                    chosen,
                    format!("{} by --dynamic-range {}, {} left out", show(chosen), choice.name(), others.join(" and ")),
                    choice == DynamicRange::Legacy,
                )
            }
        };
        out.push(Requirement { ports: Some(ports), remark: Some(remark), chosen_alternative, row });
    }
    out
}

/// The alternative `modern` or `legacy` means: the range itself where the page gives it, else
/// the one starting highest (modern) or lowest (legacy).
fn pick(given: &[(u16, u16)], choice: DynamicRange) -> (u16, u16) {
    let exact = if choice == DynamicRange::Legacy { LEGACY_DYNAMIC_RANGE } else { MODERN_DYNAMIC_RANGE };
    if given.contains(&exact) {
        return exact;
    }
    let by_start = given.iter().copied();
    let picked = if choice == DynamicRange::Legacy {
        by_start.min_by_key(|&(low, high)| (low, high))
    } else {
        by_start.max_by_key(|&(low, high)| (low, u16::MAX - high))
    };
    picked.unwrap_or(exact)
}

/// `RANDOM, 1025-5000 as the database holds it`: a stated range, with the page's word for it
/// where that is a word rather than the numbers.
fn held(raw: &str, range: (u16, u16)) -> String {
    let raw = super::trace::one_line(raw.trim());
    if !raw.is_empty() && raw.len() <= 20 && !raw.contains(|c: char| c.is_ascii_digit()) {
        format!("{raw}, {} as the database holds it", show(range))
    } else {
        format!("{} as the database holds it", show(range))
    }
}

fn show((low, high): (u16, u16)) -> String {
    if low == high { low.to_string() } else { format!("{low}-{high}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: u32, ports: Option<(u16, u16)>, dynamic: bool, raw: &str) -> PortRule {
        PortRule {
            source: "kb.md".into(),
            service: "Net Logon".into(),
            system_service_name: Some("Netlogon".into()),
            application_protocol: "RPC".into(),
            transport: Some("TCP".into()),
            ip_protocol: Some(6),
            ports,
            dynamic,
            port_raw: raw.into(),
            direction: None,
            icmp_type: None,
            source_ports: None,
            source_line: line,
        }
    }

    fn netlogon() -> Vec<PortRule> {
        vec![
            row(595, Some((135, 135)), false, "135"),
            row(595, Some((1024, 65535)), true, "random port number between 1024 - 65535"),
            row(595, Some((49152, 65535)), true, "random port number between 49152 - 65535"),
            row(600, Some((1025, 5000)), true, "RANDOM"),
            row(610, None, true, "dynamic"),
        ]
    }

    /// Each requirement's line, ports and remark.
    type Summary = Vec<(u32, Option<(u16, u16)>, Option<String>)>;

    fn summary(choice: DynamicRange) -> Summary {
        resolve(netlogon(), choice).into_iter().map(|r| (r.row.source_line, r.ports, r.remark)).collect()
    }

    #[test]
    fn modern_opens_the_newer_alternative_and_names_the_one_left_out() {
        assert_eq!(
            summary(DynamicRange::Modern),
            [
                (595, Some((135, 135)), None),
                (595, Some((49152, 65535)), Some("49152-65535 by --dynamic-range modern, 1024-65535 left out".into())),
                (600, Some((1025, 5000)), Some("RANDOM, 1025-5000 as the database holds it".into())),
                (610, Some((49152, 65535)), Some("no range stated, 49152-65535 by --dynamic-range modern".into())),
            ]
        );
    }

    #[test]
    fn legacy_opens_the_older_alternative_and_a_range_replaces_every_dynamic_row() {
        let legacy = summary(DynamicRange::Legacy);
        assert_eq!(
            legacy[1],
            (595, Some((1024, 65535)), Some("1024-65535 by --dynamic-range legacy, 49152-65535 left out".into()))
        );
        assert_eq!(
            legacy[3],
            (610, Some((1025, 5000)), Some("no range stated, 1025-5000 by --dynamic-range legacy".into()))
        );
        let own = summary(DynamicRange::Range(50000, 50999));
        assert_eq!(own.len(), 4, "the two alternatives become one rule: {own:?}");
        assert_eq!(
            own[1].2.as_deref(),
            Some("50000-50999 by --dynamic-range 50000-50999 instead of the document's 1024-65535 or 49152-65535")
        );
        assert_eq!(own[2].1, Some((50000, 50999)));
        assert_eq!(own[3].2.as_deref(), Some("no range stated, 50000-50999 by --dynamic-range 50000-50999"));
    }

    #[test]
    fn without_the_exact_range_modern_takes_the_highest_start() {
        assert_eq!(pick(&[(1024, 65535), (10000, 65535)], DynamicRange::Modern), (10000, 65535));
        assert_eq!(pick(&[(1024, 65535), (10000, 65535)], DynamicRange::Legacy), (1024, 65535));
        assert_eq!(pick(&[(1024, 5000), (49152, 65535)], DynamicRange::Legacy), (1024, 5000));
    }

    #[test]
    fn only_an_alternative_the_user_chose_by_legacy_is_marked_as_chosen() {
        let chosen = |choice| -> Vec<(u32, Option<(u16, u16)>)> {
            resolve(netlogon(), choice)
                .into_iter()
                .filter(|r| r.chosen_alternative)
                .map(|r| (r.row.source_line, r.ports))
                .collect()
        };
        assert_eq!(chosen(DynamicRange::Legacy), [(595, Some((1024, 65535)))], "not RANDOM's one range, nor none");
        assert!(chosen(DynamicRange::Modern).is_empty(), "the default is nobody's choice");
        assert!(chosen(DynamicRange::Range(50000, 50999)).is_empty(), "the user's own range is not the page's");
    }
}
