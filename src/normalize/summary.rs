//! KB 832017's closing summary table, judged against the per-service tables before it: a row whose
//! transport and port the per-service tables of the same service already give is a repeat,
//! ledgered (once, with the table); any other row is loaded under the service the row names, with
//! a `summary_only_row` entry: a service only the summary lists (Exchange Server's seven ports, SMS
//! 2.0's four), or a port its section's table lacks. The service a row names is matched to its
//! section by title, system service name or application protocol, in the summary's other words
//! too ([`super::service_match`]); a port of another service is no repeat. Its rows are read by the
//! same row normalizer as every port table, with the columns the section finder decided.

use super::ledger::Ledger;
use super::row::normalize_row;
use super::rules::SeenRules;
use super::service_match::ServiceNames;
use super::{NormalizeOptions, NormalizedSection, PortRule, PortSpec, Transport, service_of, text};
use crate::anomaly::{Anomaly, AnomalyKind};
use crate::parse::Located;
use crate::parse::table::{PortTable, Role, RowCells};
use std::collections::{BTreeMap, HashSet};

/// A rule as the summary and the per-service tables can both say it.
type RuleKey = (Option<Transport>, PortSpec);

/// The per-service sections loaded so far from one document: their names and their transports
/// and ports.
#[derive(Debug, Default)]
pub struct Summaries {
    sections: Vec<(ServiceNames, Box<[RuleKey]>)>,
}

/// The rows of a summary table that name one service.
#[derive(Default)]
struct Group<'a> {
    /// Lines of every row naming the service (label rows included).
    lines: Vec<u32>,
    /// The rows that may hold rules.
    rows: Vec<&'a RowCells<'a>>,
}

impl Summaries {
    /// Notes the names and rules of a normalized per-service section.
    pub fn record(&mut self, section: &NormalizedSection) {
        let Some(service) = &section.service else { return };
        let system_service_names: Vec<&str> =
            service.system_service_name.as_deref().map(|n| n.split(", ").collect()).unwrap_or_default();
        let applications = section.rules.iter().map(|r| r.application_protocol.as_str());
        let names = ServiceNames::new(&service.title, &system_service_names, applications);
        let mut rules: Vec<RuleKey> = section.rules.iter().map(|r| (r.transport, r.port)).collect();
        rules.dedup();
        self.sections.push((names, rules.into_boxed_slice()));
    }

    /// The transports and ports the per-service tables of the service `name` gives: those of the
    /// sections it names exactly, else of those it names in other words; none where it names none.
    fn loaded_for(&self, name: &str) -> HashSet<RuleKey> {
        let exact: Vec<&Box<[RuleKey]>> =
            self.sections.iter().filter(|(names, _)| names.named_exactly(name)).map(|(_, rules)| rules).collect();
        let matched = if exact.is_empty() {
            self.sections.iter().filter(|(names, _)| names.named_loosely(name)).map(|(_, rules)| rules).collect()
        } else {
            exact
        };
        matched.into_iter().flatten().copied().collect()
    }

    /// The summary table's rows found in no per-service table, as sections of the services they
    /// name, and the ledger entry for the table.
    pub fn judge(&self, summary: &PortTable, options: &NormalizeOptions) -> (Vec<NormalizedSection>, Anomaly) {
        let table = &summary.table;
        let named = summary.columns.find(Role::SystemServiceName).unwrap_or(0);
        let name_of = |cells: &[Located]| cells.get(named).map(|c| text::collapse_whitespace(&c.text));
        // The rows by the service they name, in document order of first appearance.
        let mut first_line: BTreeMap<String, u32> = BTreeMap::new();
        let mut groups: BTreeMap<(u32, String), Group<'_>> = BTreeMap::new();
        let mut unnamed = 0;
        for row in &table.rows {
            let name = name_of(&row.cells).unwrap_or_default();
            if name.is_empty() {
                // Rows naming no service (empty rows among them) cannot be loaded under one.
                unnamed += usize::from(row.cells.iter().any(|c| !c.text.trim().is_empty()));
                continue;
            }
            let first = *first_line.entry(name.clone()).or_insert(row.line);
            groups.entry((first, name)).or_default().lines.push(row.line);
        }
        let rows = summary.rows();
        for cells in &rows.rows {
            let Some(name) = name_of(&cells.row.cells).filter(|n| !n.is_empty()) else { continue };
            if let Some(&first) = first_line.get(&name)
                && let Some(group) = groups.get_mut(&(first, name))
            {
                group.rows.push(cells);
            }
        }
        let (mut repeated, mut added) = (0, 0);
        let mut sections = Vec::new();
        for ((first, name), group) in groups {
            let loaded = self.loaded_for(&name);
            let mut normalized = NormalizedSection::default();
            let here: HashSet<u32> = group.lines.iter().copied().collect();
            normalized.anomalies.extend(rows.anomalies.iter().filter(|a| here.contains(&a.line)).cloned());
            let mut seen = SeenRules::default();
            for cells in &group.rows {
                normalize_row(cells, options, &name, &mut seen, &mut normalized);
            }
            let new = |rule: &PortRule| !loaded.contains(&(rule.transport, rule.port));
            let new_lines: HashSet<u32> = normalized.rules.iter().filter(|r| new(r)).map(|r| r.line).collect();
            repeated += group.lines.len() - new_lines.len().min(group.lines.len());
            if new_lines.is_empty() && normalized.problems.is_empty() {
                continue;
            }
            added += new_lines.len();
            normalized.rules.retain(|r| new(r));
            let mut ledger = Ledger::new(first);
            let mut service = service_of(&Located::new(first, name.clone()), &[], &mut ledger);
            // Only what concerns the rows loaded is kept: the repeated rows are the table's entry.
            normalized.anomalies.extend(ledger.into_entries());
            normalized.anomalies.sort_by_key(|a| a.line);
            normalized
                .anomalies
                .retain(|a| new_lines.contains(&a.line) && a.kind != AnomalyKind::MissingSystemServiceName);
            let mut lines: Vec<u32> = new_lines.into_iter().collect();
            lines.sort_unstable();
            for &line in &lines {
                normalized.anomalies.push(Anomaly::new(
                    line,
                    AnomalyKind::SummaryOnlyRow,
                    name.clone(),
                    Some(name.clone()),
                    format!("A summary-table row found in no per-service table of its service; loaded under \"{name}\", the service it names."),
                ));
            }
            normalized.anomalies.sort_by_key(|a| a.line);
            service.first_line = lines.first().copied().unwrap_or(first);
            service.last_line = lines.last().copied().unwrap_or(first).max(service.first_line);
            normalized.service = Some(service);
            sections.push(normalized);
        }
        let anomaly = Anomaly::new(
            table.line,
            AnomalyKind::SummaryTable,
            table.header_text(),
            None,
            format!(
                "This {}-row summary table: {repeated} row(s) give a transport and port of their service's per-service tables and are not loaded again; \
                 {added} row(s) found in no per-service table of their service were loaded under the services they name{}.",
                table.rows.len(),
                if unnamed > 0 {
                    format!("; {unnamed} row(s) name no service and were not loaded")
                } else {
                    String::new()
                }
            ),
        );
        (sections, anomaly)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::sections::Section;
    use crate::parse::table::{port_table_of, table_of_cells};

    fn summary() -> PortTable {
        port_table_of(table_of_cells(
            &["Port", "Protocol", "Application protocol", "System service name"],
            &[
                &["53", "UDP", "DNS", "DNS Server"],
                &["1433", "TCP", "SQL over TCP", "SQL Server"],
                &["1434", "UDP", "SQL Probe", ""],
            ],
        ))
    }

    fn dns_section() -> NormalizedSection {
        let table =
            port_table_of(table_of_cells(&["Application protocol", "Protocol", "Port"], &[&["DNS", "UDP", "53"]]));
        let section = Section {
            title: Located::new(1, "DNS Server"),
            heading_level: Some(3),
            description: vec![],
            system_service_lines: vec![Located::new(3, "System service name: DNS")],
            captions: vec![],
            tables: vec![table],
            anomalies: vec![],
        };
        super::super::normalize_section(&section, &NormalizeOptions::default())
    }

    #[test]
    fn repeats_are_not_loaded_again_and_new_rows_load_under_their_service() {
        let mut summaries = Summaries::default();
        summaries.record(&dns_section());
        let (sections, anomaly) = summaries.judge(&summary(), &NormalizeOptions::default());
        assert_eq!(sections.len(), 1);
        let sql = &sections[0];
        let service = sql.service.as_ref().unwrap();
        assert_eq!((service.title.as_str(), service.system_service_name.as_deref()), ("SQL Server", None));
        assert_eq!((service.first_line, service.last_line), (10, 10));
        let rules: Vec<_> = sql.rules.iter().map(|r| (r.line, r.port.range, r.context.row_cells.as_deref())).collect();
        assert_eq!(rules, [(10, Some((1433, 1433)), None)]);
        let kinds: Vec<_> = sql.anomalies.iter().map(|a| (a.line, a.kind)).collect();
        assert_eq!(kinds, [(10, AnomalyKind::SummaryOnlyRow)]);
        assert_eq!((anomaly.line, anomaly.kind), (7, AnomalyKind::SummaryTable));
        assert!(anomaly.message.contains("1 row(s) give a transport and port"), "{}", anomaly.message);
        assert!(anomaly.message.contains("1 row(s) found in no per-service table"), "{}", anomaly.message);
        assert!(anomaly.message.contains("1 row(s) name no service"), "{}", anomaly.message);
    }
}
