//! The comparison written out: one row per rule in any format of the export writer, or, for
//! `markdown`, a report for people (counts at the top, changed services first) built of that
//! writer's Markdown tables.

use super::{Change, Diff, DiffRow, Rule, ServiceDiff};
use crate::export::{OutputFormat, RowWriter, SpreadsheetOptions, escape_for_terminal, markdown_text};
use rusqlite::types::{Value, ValueRef};
use std::io::{self, Write};

/// The columns of the rows, one per rule.
pub const COLUMNS: [&str; 14] = [
    "change",
    "service",
    "old_service",
    "system_service_name",
    "application_protocol",
    "transport",
    "old_port_low",
    "old_port_high",
    "new_port_low",
    "new_port_high",
    "old_port_kind",
    "new_port_kind",
    "old_line",
    "new_line",
];

/// How to write a comparison.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The format: `markdown` is the report for people, the others one row per rule.
    pub format: OutputFormat,
    /// Leave out the `unchanged` rules (the counts still count them).
    pub changes_only: bool,
    /// The old source's name.
    pub old: &'a str,
    /// The new source's name.
    pub new: &'a str,
    /// `--bom` and `--excel-safe` (CSV and TSV), and whether the output is a terminal.
    pub options: SpreadsheetOptions,
}

impl Report<'_> {
    /// Whether a row is written.
    fn shows(&self, row: &DiffRow) -> bool {
        !(self.changes_only && row.change == Change::Unchanged)
    }
}

/// Writes the comparison as `report` asks.
pub fn write(out: &mut impl Write, diff: &Diff, report: &Report<'_>) -> io::Result<()> {
    if report.format == OutputFormat::Markdown && report.options.for_terminal {
        // Titles from documents are in the headings too: the whole report is made safe.
        let mut text = Vec::new();
        write_markdown_report(&mut text, diff, report)?;
        return out.write_all(escape_for_terminal(String::from_utf8_lossy(&text), true).as_bytes());
    }
    if report.format == OutputFormat::Markdown {
        return write_markdown_report(out, diff, report);
    }
    let columns: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    let mut writer = RowWriter::new(out, report.format, report.options, &columns)?;
    for service in &diff.services {
        for row in service.rows.iter().filter(|r| report.shows(r)) {
            write_values(&mut writer, &row_values(service, row))?;
        }
    }
    writer.finish().map(drop)
}

/// The one-line summary for standard error.
pub fn summary(diff: &Diff, old: &str, new: &str) -> String {
    let counts: Vec<String> = Change::ALL.iter().map(|&c| format!("{} {}", diff.count(c), c.name())).collect();
    format!("{old} -> {new}: {} (port rules)", counts.join(", "))
}

fn row_values(service: &ServiceDiff, row: &DiffRow) -> Vec<Value> {
    let text = |t: Option<&str>| t.map_or(Value::Null, |t| Value::Text(t.to_string()));
    let int = |v: Option<i64>| v.map_or(Value::Null, Value::Integer);
    let (old, new) = (row.old.as_ref(), row.new.as_ref());
    vec![
        Value::Text(row.change.name().to_string()),
        Value::Text(service.title().to_string()),
        text(service.old_title.as_deref()),
        text(service.system_service_name.as_deref()),
        Value::Text(row.application_protocol.clone()),
        text(row.transport.as_deref()),
        int(old.and_then(|r| r.port_low)),
        int(old.and_then(|r| r.port_high)),
        int(new.and_then(|r| r.port_low)),
        int(new.and_then(|r| r.port_high)),
        text(old.map(|r| r.port_kind.as_str())),
        text(new.map(|r| r.port_kind.as_str())),
        int(old.map(|r| r.line)),
        int(new.map(|r| r.line)),
    ]
}

fn write_values<W: Write>(writer: &mut RowWriter<W>, values: &[Value]) -> io::Result<()> {
    let cells: Vec<ValueRef<'_>> = values.iter().map(ValueRef::from).collect();
    writer.write_row(&cells)
}

/// Writes one Markdown table.
fn write_table(out: &mut impl Write, columns: &[&str], rows: &[Vec<Value>]) -> io::Result<()> {
    let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    let mut writer = RowWriter::new(&mut *out, OutputFormat::Markdown, SpreadsheetOptions::default(), &columns)?;
    for row in rows {
        write_values(&mut writer, row)?;
    }
    writer.finish()?;
    writeln!(out)
}

fn write_markdown_report(out: &mut impl Write, diff: &Diff, report: &Report<'_>) -> io::Result<()> {
    let (old, new) = (report.old, report.new);
    let (old_md, new_md) = (markdown_text(old), markdown_text(new));
    writeln!(out, "# Port rules changed from {old_md} to {new_md}\n")?;
    let count = |n: usize| Value::Integer(n as i64);
    let rule_counts: Vec<Vec<Value>> =
        Change::ALL.iter().map(|&c| vec![Value::Text(c.name().into()), count(diff.count(c))]).collect();
    write_table(out, &["port rules", "count"], &rule_counts)?;

    let changed: Vec<&ServiceDiff> =
        diff.services.iter().filter(|s| s.old_title.is_some() && s.new_title.is_some() && s.differs()).collect();
    let only_new: Vec<&ServiceDiff> = diff.services.iter().filter(|s| s.old_title.is_none()).collect();
    let only_old: Vec<&ServiceDiff> = diff.services.iter().filter(|s| s.new_title.is_none()).collect();
    let unchanged: Vec<&ServiceDiff> = diff.services.iter().filter(|s| !s.differs()).collect();
    let groups = [
        ("changed".to_string(), "Changed services".to_string(), &changed),
        (format!("only in {new}"), format!("Services only in {new_md}"), &only_new),
        (format!("only in {old}"), format!("Services only in {old_md}"), &only_old),
    ];
    let mut service_counts: Vec<Vec<Value>> =
        groups.iter().map(|(name, _, list)| vec![Value::Text(name.clone()), count(list.len())]).collect();
    service_counts.push(vec![Value::Text("unchanged".into()), count(unchanged.len())]);
    write_table(out, &["services", "count"], &service_counts)?;

    for (_, heading, list) in groups {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "## {heading}\n")?;
        for service in list {
            write_service(out, service, &old_md, report)?;
        }
    }
    if !unchanged.is_empty() && !report.changes_only {
        writeln!(out, "## Unchanged services\n")?;
        let rows: Vec<Vec<Value>> = unchanged
            .iter()
            .map(|s| {
                let name = s.system_service_name.clone().map_or(Value::Null, Value::Text);
                // A service renamed between the editions shows its old title.
                let old_title = s.old_title.clone().filter(|t| t != s.title()).map_or(Value::Null, Value::Text);
                vec![Value::Text(s.title().to_string()), old_title, name, count(s.rows.len())]
            })
            .collect();
        let old_title = format!("title in {old}");
        write_table(out, &["service", &old_title, "system service name", "port rules"], &rows)?;
    }
    Ok(())
}

fn write_service(out: &mut impl Write, service: &ServiceDiff, old: &str, report: &Report<'_>) -> io::Result<()> {
    writeln!(out, "### {}\n", markdown_text(service.title()))?;
    let mut facts = Vec::new();
    if let Some(name) = &service.system_service_name {
        facts.push(format!("System service name: {}.", markdown_text(name)));
    }
    if let (Some(old_title), Some(_)) = (&service.old_title, &service.new_title)
        && old_title != service.title()
    {
        facts.push(format!("Titled {} in {old}.", markdown_text(old_title)));
    }
    if !facts.is_empty() {
        writeln!(out, "{}\n", facts.join(" "))?;
    }
    let ports = |rule: Option<&Rule>| rule.map_or(Value::Null, |r| Value::Text(ports_text(r)));
    let line = |rule: Option<&Rule>| rule.map_or(Value::Null, |r| Value::Integer(r.line));
    let rows: Vec<Vec<Value>> = service
        .rows
        .iter()
        .filter(|r| report.shows(r))
        .map(|row| {
            vec![
                Value::Text(row.change.name().into()),
                Value::Text(row.application_protocol.clone()),
                row.transport.clone().map_or(Value::Null, Value::Text),
                ports(row.old.as_ref()),
                ports(row.new.as_ref()),
                line(row.old.as_ref()),
                line(row.new.as_ref()),
            ]
        })
        .collect();
    let columns = ["change", "application protocol", "transport", "old ports", "new ports", "old line", "new line"];
    write_table(out, &columns, &rows)
}

/// A rule's ports for people: `135`, `1024-65535`, `1025-5000 (dynamic)`, or `no port`.
fn ports_text(rule: &Rule) -> String {
    let ports = match (rule.port_low, rule.port_high) {
        (Some(low), Some(high)) if low == high => low.to_string(),
        (Some(low), Some(high)) => format!("{low}-{high}"),
        _ => return "no port".to_string(),
    };
    if rule.port_kind == "dynamic" { format!("{ports} (dynamic)") } else { ports }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Service, compare};

    fn rule(application_protocol: &str, ports: Option<(i64, i64)>, kind: &str, line: i64) -> Rule {
        Rule {
            application_protocol: application_protocol.into(),
            transport: Some(if ports.is_some() { "TCP" } else { "GRE" }.into()),
            port_low: ports.map(|p| p.0),
            port_high: ports.map(|p| p.1),
            port_kind: kind.into(),
            line,
        }
    }

    fn sample() -> Diff {
        let service = |title: &str, rules| Service {
            title: title.into(),
            system_service_name: Some("Svc".into()),
            line: 1,
            rules,
        };
        let old = [service(
            "Old_Name",
            vec![rule("RPC", Some((135, 135)), "fixed", 3), rule("High", Some((1025, 5000)), "dynamic", 4)],
        )];
        let new = [service(
            "New Name",
            vec![
                rule("RPC", Some((135, 135)), "fixed", 7),
                rule("High", Some((49152, 65535)), "dynamic", 8),
                rule("GRE", None, "none", 9),
            ],
        )];
        compare(&old, &new, &[]).unwrap()
    }

    fn written(format: OutputFormat, changes_only: bool) -> String {
        let mut out = Vec::new();
        write(
            &mut out,
            &sample(),
            &Report { format, changes_only, old: "v1", new: "v2", options: SpreadsheetOptions::default() },
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn ports_for_people() {
        assert_eq!(ports_text(&rule("x", Some((53, 53)), "fixed", 1)), "53");
        assert_eq!(ports_text(&rule("x", Some((1024, 65535)), "range", 1)), "1024-65535");
        assert_eq!(ports_text(&rule("x", Some((1025, 5000)), "dynamic", 1)), "1025-5000 (dynamic)");
        assert_eq!(ports_text(&rule("x", None, "none", 1)), "no port");
    }

    #[test]
    fn rows_have_both_sides_and_nulls_where_a_side_has_none() {
        let csv = written(OutputFormat::Csv, false);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], COLUMNS.join(","));
        assert_eq!(lines[1], "added,New Name,Old_Name,Svc,GRE,GRE,,,,,,none,,9");
        assert_eq!(lines[2], "unchanged,New Name,Old_Name,Svc,RPC,TCP,135,135,135,135,fixed,fixed,3,7");
        assert_eq!(lines[3], "changed,New Name,Old_Name,Svc,High,TCP,1025,5000,49152,65535,dynamic,dynamic,4,8");
        assert_eq!(lines.len(), 4);
        assert!(!written(OutputFormat::Csv, true).contains("unchanged"));
        assert_eq!(summary(&sample(), "v1", "v2"), "v1 -> v2: 1 added, 0 removed, 1 changed, 1 unchanged (port rules)");
    }

    #[test]
    fn the_markdown_report_counts_everything_and_shows_what_is_asked() {
        let report = written(OutputFormat::Markdown, false);
        assert!(report.starts_with("# Port rules changed from v1 to v2\n\n| port rules | count |\n"), "{report}");
        assert!(report.contains("| added | 1 |\n| removed | 0 |\n| changed | 1 |\n| unchanged | 1 |\n"));
        assert!(
            report.contains(
                "## Changed services\n\n### New Name\n\nSystem service name: Svc. Titled Old\\_Name in v1.\n"
            )
        );
        assert!(report.contains("| changed | High | TCP | 1025-5000 (dynamic) | 49152-65535 (dynamic) | 4 | 8 |\n"));
        assert!(report.contains("| unchanged | RPC | TCP | 135 | 135 | 3 | 7 |\n"));
        let changes = written(OutputFormat::Markdown, true);
        assert!(changes.contains("| unchanged | 1 |\n"), "the counts count every rule");
        assert!(!changes.contains("| unchanged | RPC |"), "{changes}");
    }
}
