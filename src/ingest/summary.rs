//! KB 832017's closing summary table, judged against the per-service tables before it: a row whose
//! transport and port a per-service table already gives is a repeat, ledgered (once, with the
//! table); a row found in none (SQL 1433/TCP, Exchange 6001-6004, SMS 2701-2704, MOM 1270 in the
//! 2023 revision) is loaded under the service the row names, with a `summary_only_row` entry.
//! (By port, not by service name: the summary names services in other words than their sections.)

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::normalize::{NormalizeOptions, NormalizedSection, PortRule, PortSpec, Transport, normalize_section, text};
use crate::parse::sections::Section;
use crate::parse::table::{Role, TableKind};
use crate::parse::{Located, Table, TableRow};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A rule as the summary and the per-service tables can both say it.
type RuleKey = (Option<Transport>, PortSpec);

/// The transports and ports loaded so far from one document's per-service tables.
#[derive(Debug, Default)]
pub struct Summaries {
    loaded: HashSet<RuleKey>,
}

impl Summaries {
    /// Notes the rules of a normalized per-service section.
    pub fn record(&mut self, section: &NormalizedSection) {
        self.loaded.extend(section.rules.iter().map(|r| (r.transport, r.port)));
    }

    /// The summary table's rows found in no per-service table, as sections of the services they
    /// name, and the ledger entry for the table.
    pub fn judge(&self, table: &Table, options: &NormalizeOptions) -> (Vec<NormalizedSection>, Anomaly) {
        let TableKind::Summary(columns) = table.kind() else {
            return (Vec::new(), not_a_summary(table));
        };
        let named = columns.find(Role::SystemServiceName).unwrap_or(0);
        // The rows by the service they name, in document order of first appearance.
        let mut by_service: BTreeMap<(u32, String), Vec<TableRow>> = BTreeMap::new();
        let mut first_line: HashMap<String, u32> = HashMap::new();
        for row in &table.rows {
            let name = row.cells.get(named).map(|c| text::collapse_whitespace(&c.text)).unwrap_or_default();
            let first = *first_line.entry(name.clone()).or_insert(row.line);
            let mut row = row.clone();
            if named < row.cells.len() {
                row.cells.remove(named);
            }
            by_service.entry((first, name)).or_default().push(row);
        }
        let mut header = table.header.clone();
        header.remove(named.min(header.len().saturating_sub(1)));
        let (mut repeated, mut added) = (0, 0);
        let mut sections = Vec::new();
        for ((first, name), rows) in by_service {
            if name.is_empty() || rows.iter().all(|r| r.cells.iter().all(|c| c.text.trim().is_empty())) {
                repeated += rows.len();
                continue;
            }
            let group = Table { line: table.line, header: header.clone(), rows, footnotes: Vec::new() };
            let section = Section {
                title: Located::new(first, name.clone()),
                heading_level: None,
                description: Vec::new(),
                system_service_lines: Vec::new(),
                captions: Vec::new(),
                tables: vec![group],
                anomalies: Vec::new(),
            };
            let mut normalized = normalize_section(&section, options);
            let new = |rule: &PortRule| !self.loaded.contains(&(rule.transport, rule.port));
            let new_lines: HashSet<u32> = normalized.rules.iter().filter(|r| new(r)).map(|r| r.line).collect();
            let rows_here: HashSet<u32> = section.tables[0].rows.iter().map(|r| r.line).collect();
            repeated += rows_here.len() - new_lines.len().min(rows_here.len());
            if new_lines.is_empty() && normalized.problems.is_empty() {
                continue;
            }
            added += new_lines.len();
            normalized.rules.retain(|r| new(r));
            // Only what concerns the rows loaded is kept: the repeated rows are the table's entry.
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
                    format!("A summary-table row found in no per-service table; loaded under \"{name}\", the service it names."),
                ));
            }
            normalized.anomalies.sort_by_key(|a| a.line);
            if let Some(service) = normalized.service.as_mut() {
                service.first_line = lines.first().copied().unwrap_or(first);
                service.last_line = lines.last().copied().unwrap_or(first).max(service.first_line);
                service.description.clear();
            }
            sections.push(normalized);
        }
        let anomaly = Anomaly::new(
            table.line,
            AnomalyKind::SummaryTable,
            table.header_text(),
            None,
            format!(
                "This {}-row summary table: {repeated} row(s) give a transport and port of the per-service tables and are not loaded again; \
                 {added} row(s) found in no per-service table were loaded under the services they name.",
                table.rows.len()
            ),
        );
        (sections, anomaly)
    }
}

fn not_a_summary(table: &Table) -> Anomaly {
    table.not_loaded().unwrap_or_else(|| {
        Anomaly::new(table.line, AnomalyKind::SummaryTable, table.header_text(), None, "A summary table; not loaded.")
    })
}
