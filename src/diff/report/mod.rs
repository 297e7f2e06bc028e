//! The comparison written out: one row per rule in any format of the export writer; for
//! `markdown`, a report for people (counts at the top, changed services first) built of that
//! writer's Markdown tables ([`markdown`]); for `table`, the changes grouped by service, fitted to
//! the terminal's width ([`terminal`]).

mod markdown;
mod terminal;

use super::{Change, Diff, DiffRow, Move, Rule, ServiceDiff, ServiceName};
use crate::export::{OutputFormat, RowWriter, SpreadsheetOptions};
use rusqlite::types::{Value, ValueRef};
use std::io::{self, Write};

/// The columns of the rows, one per rule.
pub const COLUMNS: [&str; 17] = [
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
    "service_change",
    "paired_by",
    "old_system_service_name",
];

/// How to write a comparison.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The format: `markdown` is the report for people, `table` the changes for a terminal, the
    /// others one row per rule.
    pub format: OutputFormat,
    /// Whether the `unchanged` rules are listed (the counts count them either way).
    pub unchanged: bool,
    /// The width `table` fits its lines to, in characters.
    pub width: usize,
    /// The old source's name.
    pub old: &'a str,
    /// The new source's name.
    pub new: &'a str,
}

impl Report<'_> {
    /// Whether a row is written.
    fn shows(&self, row: &DiffRow) -> bool {
        self.unchanged || row.change != Change::Unchanged
    }
}

/// Writes the comparison as `report` asks.
pub fn write(out: &mut impl Write, diff: &Diff, report: &Report<'_>) -> io::Result<()> {
    match report.format {
        OutputFormat::Markdown => return markdown::write(out, diff, report),
        OutputFormat::Table => return terminal::write(out, diff, report),
        _ => {}
    }
    let columns: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    let mut writer = RowWriter::new(out, report.format, SpreadsheetOptions::default(), &columns)?;
    for service in &diff.services {
        for row in service.rows.iter().filter(|r| report.shows(r)) {
            write_values(&mut writer, &service_row_values(service, row))?;
        }
    }
    for moved in &diff.moves {
        write_values(&mut writer, &moved_row_values(moved))?;
    }
    writer.finish().map(drop)
}

/// The summary for standard error: the port rules, then the services, counted.
pub fn summary(diff: &Diff, old: &str, new: &str) -> String {
    let counts: Vec<String> = Change::ALL.iter().map(|&c| format!("{} {}", diff.count(c), c.name())).collect();
    let services = |change| diff.services.iter().filter(|s| s.change() == change).count();
    let alike = diff.services.iter().filter(|s| s.paired_by == Some(super::Pairing::Likeness)).count();
    let likeness = if alike > 0 { format!(" ({alike} paired by likeness of title and ports)") } else { String::new() };
    use super::ServiceChange::*;
    format!(
        "{old} -> {new}: {} (port rules)\nservices: {} added, {} removed, {} renamed{likeness}, {} kept",
        counts.join(", "),
        services(Added),
        services(Removed),
        services(Renamed),
        services(Kept)
    )
}

fn text(t: Option<&str>) -> Value {
    t.map_or(Value::Null, |t| Value::Text(t.to_string()))
}

/// The values of a row that stays within its service.
fn service_row_values(service: &ServiceDiff, row: &DiffRow) -> Vec<Value> {
    let old_name = service.old.as_ref().and_then(|s| s.system_service_name.as_deref());
    let sides = Sides {
        service: service.title(),
        old_service: service.old_title(),
        system_service_name: service.system_service_name(),
        old_system_service_name: old_name,
        service_change: Some(service.change().name()),
        paired_by: service.paired_by.map(|p| p.name()),
    };
    row_values(&sides, row)
}

/// The values of a moved row: its two sides are in two services, so it has no service change
/// nor pairing, and its system service name is the new service's alone.
fn moved_row_values(moved: &Move) -> Vec<Value> {
    fn name(s: &ServiceName) -> Option<&str> {
        s.system_service_name.as_deref()
    }
    let sides = Sides {
        service: &moved.new_service.title,
        old_service: Some(&moved.old_service.title),
        system_service_name: name(&moved.new_service),
        old_system_service_name: name(&moved.old_service),
        service_change: None,
        paired_by: None,
    };
    row_values(&sides, &moved.row)
}

/// What a row says of its services.
struct Sides<'a> {
    service: &'a str,
    old_service: Option<&'a str>,
    system_service_name: Option<&'a str>,
    old_system_service_name: Option<&'a str>,
    service_change: Option<&'a str>,
    paired_by: Option<&'a str>,
}

fn row_values(sides: &Sides<'_>, row: &DiffRow) -> Vec<Value> {
    let int = |v: Option<i64>| v.map_or(Value::Null, Value::Integer);
    let (old, new) = (row.old.as_ref(), row.new.as_ref());
    vec![
        Value::Text(row.change.name().to_string()),
        Value::Text(sides.service.to_string()),
        text(sides.old_service),
        text(sides.system_service_name),
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
        text(sides.service_change),
        text(sides.paired_by),
        text(sides.old_system_service_name),
    ]
}

fn write_values<W: Write>(writer: &mut RowWriter<W>, values: &[Value]) -> io::Result<()> {
    let cells: Vec<ValueRef<'_>> = values.iter().map(ValueRef::from).collect();
    writer.write_row(&cells)
}

/// A rule's ports for people: `135`, `1024-65535`, `1025-5000 (dynamic)`, `no port`, or the kind
/// of ports given without numbers (`dynamic`, `any`, `configurable`).
fn ports_text(rule: &Rule) -> String {
    let ports = match (rule.port_low, rule.port_high) {
        (Some(low), Some(high)) if low == high => low.to_string(),
        (Some(low), Some(high)) => format!("{low}-{high}"),
        _ if rule.port_kind == "none" => return "no port".to_string(),
        _ => return rule.port_kind.clone(),
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
        let report = Report { format, unchanged: !changes_only, width: 80, old: "v1", new: "v2" };
        write(&mut out, &sample(), &report).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn ports_for_people() {
        assert_eq!(ports_text(&rule("x", Some((53, 53)), "fixed", 1)), "53");
        assert_eq!(ports_text(&rule("x", Some((1024, 65535)), "range", 1)), "1024-65535");
        assert_eq!(ports_text(&rule("x", Some((1025, 5000)), "dynamic", 1)), "1025-5000 (dynamic)");
        assert_eq!(ports_text(&rule("x", None, "none", 1)), "no port");
        assert_eq!(ports_text(&rule("x", None, "dynamic", 1)), "dynamic", "a dynamic port the document gives no range");
        assert_eq!(ports_text(&rule("x", None, "any", 1)), "any");
    }

    #[test]
    fn rows_have_both_sides_and_nulls_where_a_side_has_none() {
        let csv = written(OutputFormat::Csv, false);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], COLUMNS.join(","));
        let service = "New Name,Old_Name,Svc";
        let pairing = "renamed,system_service_name,Svc";
        assert_eq!(lines[1], format!("added,{service},GRE,GRE,,,,,,none,,9,{pairing}"));
        assert_eq!(lines[2], format!("unchanged,{service},RPC,TCP,135,135,135,135,fixed,fixed,3,7,{pairing}"));
        assert_eq!(lines[3], format!("changed,{service},High,TCP,1025,5000,49152,65535,dynamic,dynamic,4,8,{pairing}"));
        assert_eq!(lines.len(), 4);
        assert!(!written(OutputFormat::Csv, true).contains("unchanged"));
        assert_eq!(
            summary(&sample(), "v1", "v2"),
            "v1 -> v2: 1 added, 0 removed, 1 changed, 0 moved, 1 unchanged (port rules)\n\
             services: 0 added, 0 removed, 1 renamed, 0 kept"
        );
    }

    #[test]
    fn the_markdown_report_counts_everything_and_shows_what_is_asked() {
        let report = written(OutputFormat::Markdown, false);
        assert!(report.starts_with("# Port rules changed from v1 to v2\n\n| port rules | count |\n"), "{report}");
        assert!(report.contains("| added | 1 |\n| removed | 0 |\n| changed | 1 |\n| moved | 0 |\n| unchanged | 1 |\n"));
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
