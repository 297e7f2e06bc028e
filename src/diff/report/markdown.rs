//! The Markdown report: the counts at the top, then the services with changes, those only in one
//! edition, the renamed ones, the rules that moved between services, and (unless asked not to)
//! the unchanged services; every table written by the export writer.

use super::{Report, ports_text, write_values};
use crate::diff::{Change, Diff, Pairing, Rule, ServiceChange, ServiceDiff, ServiceName};
use crate::export::{OutputFormat, RowWriter, SpreadsheetOptions, markdown_text};
use rusqlite::types::Value;
use std::io::{self, Write};

/// Writes the report.
pub fn write(out: &mut impl Write, diff: &Diff, report: &Report<'_>) -> io::Result<()> {
    let (old, new) = (report.old, report.new);
    let (old_md, new_md) = (markdown_text(old), markdown_text(new));
    writeln!(out, "# Port rules changed from {old_md} to {new_md}\n")?;
    let count = |n: usize| Value::Integer(n as i64);
    let rule_counts: Vec<Vec<Value>> =
        Change::ALL.iter().map(|&c| vec![Value::Text(c.name().into()), count(diff.count(c))]).collect();
    write_table(out, &["port rules", "count"], &rule_counts)?;

    let in_both = |s: &&ServiceDiff| s.old.is_some() && s.new.is_some();
    let changed: Vec<&ServiceDiff> = diff.services.iter().filter(in_both).filter(|s| s.differs()).collect();
    let only_new: Vec<&ServiceDiff> = diff.services.iter().filter(|s| s.old.is_none()).collect();
    let only_old: Vec<&ServiceDiff> = diff.services.iter().filter(|s| s.new.is_none()).collect();
    let renamed: Vec<&ServiceDiff> = diff.services.iter().filter(|s| s.change() == ServiceChange::Renamed).collect();
    let unchanged: Vec<&ServiceDiff> = diff.services.iter().filter(|s| !s.differs()).collect();
    let groups = [
        ("changed".to_string(), "Changed services".to_string(), &changed),
        (format!("only in {new}"), format!("Services only in {new_md}"), &only_new),
        (format!("only in {old}"), format!("Services only in {old_md}"), &only_old),
    ];
    let mut service_counts: Vec<Vec<Value>> =
        groups.iter().map(|(name, _, list)| vec![Value::Text(name.clone()), count(list.len())]).collect();
    service_counts.push(vec![Value::Text("unchanged".into()), count(unchanged.len())]);
    service_counts.push(vec![Value::Text("renamed".into()), count(renamed.len())]);
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
    if !renamed.is_empty() {
        write_renamed(out, &renamed, report)?;
    }
    if !diff.moves.is_empty() {
        writeln!(out, "## Port rules moved between services\n")?;
        let rows: Vec<Vec<Value>> = diff
            .moves
            .iter()
            .map(|m| {
                vec![
                    Value::Text(m.row.application_protocol.clone()),
                    m.row.transport.clone().map_or(Value::Null, Value::Text),
                    ports(m.row.old.as_ref()),
                    Value::Text(m.old_service.title.clone()),
                    system_name(&m.old_service),
                    line(m.row.old.as_ref()),
                    Value::Text(m.new_service.title.clone()),
                    system_name(&m.new_service),
                    line(m.row.new.as_ref()),
                ]
            })
            .collect();
        let (from, to) = (format!("service in {old}"), format!("service in {new}"));
        let name = "system service name";
        let columns = ["application protocol", "transport", "ports", &from, name, "old line", &to, name, "new line"];
        write_table(out, &columns, &rows)?;
    }
    if !unchanged.is_empty() && report.unchanged {
        writeln!(out, "## Unchanged services\n")?;
        let rows: Vec<Vec<Value>> = unchanged
            .iter()
            .map(|s| {
                let name = s.system_service_name().map_or(Value::Null, |n| Value::Text(n.into()));
                // A service renamed between the editions shows its old title.
                let old_title =
                    s.old_title().filter(|t| *t != s.title()).map_or(Value::Null, |t| Value::Text(t.into()));
                vec![Value::Text(s.title().to_string()), old_title, name, count(s.rows.len())]
            })
            .collect();
        let old_title = format!("title in {old}");
        write_table(out, &["service", &old_title, "system service name", "port rules"], &rows)?;
    }
    Ok(())
}

/// A service's system service name, NULL where it has none.
fn system_name(service: &ServiceName) -> Value {
    service.system_service_name.clone().map_or(Value::Null, Value::Text)
}

/// How a pair was found, for people.
pub fn pairing_text(pairing: Pairing) -> &'static str {
    match pairing {
        Pairing::Asked => "--match",
        Pairing::SystemServiceName => "system service name",
        Pairing::Title => "title",
        Pairing::Likeness => "likeness of title and ports",
    }
}

fn write_renamed(out: &mut impl Write, renamed: &[&ServiceDiff], report: &Report<'_>) -> io::Result<()> {
    writeln!(out, "## Renamed services\n")?;
    let rows: Vec<Vec<Value>> = renamed
        .iter()
        .filter_map(|s| Some((s.old.as_ref()?, s.new.as_ref()?, s.paired_by?)))
        .map(|(old, new, pairing)| {
            vec![
                Value::Text(old.title.clone()),
                Value::Text(new.title.clone()),
                system_name(old),
                system_name(new),
                Value::Text(pairing_text(pairing).into()),
            ]
        })
        .collect();
    let (old, new) = (report.old, report.new);
    let titles = [format!("title in {old}"), format!("title in {new}")];
    let names = [format!("system service name in {old}"), format!("system service name in {new}")];
    write_table(out, &[&titles[0], &titles[1], &names[0], &names[1], "paired by"], &rows)
}

fn ports(rule: Option<&Rule>) -> Value {
    rule.map_or(Value::Null, |r| Value::Text(ports_text(r)))
}

fn line(rule: Option<&Rule>) -> Value {
    rule.map_or(Value::Null, |r| Value::Integer(r.line))
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

fn write_service(out: &mut impl Write, service: &ServiceDiff, old: &str, report: &Report<'_>) -> io::Result<()> {
    writeln!(out, "### {}\n", markdown_text(service.title()))?;
    let mut facts = Vec::new();
    if let Some(name) = service.system_service_name() {
        facts.push(format!("System service name: {}.", markdown_text(name)));
    }
    if let (Some(old_service), Some(_)) = (&service.old, &service.new) {
        if old_service.title != service.title() {
            facts.push(format!("Titled {} in {old}.", markdown_text(&old_service.title)));
        }
        let old_name = old_service.system_service_name.as_deref();
        if old_name.is_some() && old_name != service.system_service_name() {
            facts.push(format!("System service name {} in {old}.", markdown_text(old_name.unwrap_or_default())));
        }
    }
    if let Some(pairing @ (Pairing::Likeness | Pairing::Asked)) = service.paired_by {
        facts.push(format!("Paired by {}.", markdown_text(pairing_text(pairing))));
    }
    if !facts.is_empty() {
        writeln!(out, "{}\n", facts.join(" "))?;
    }
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
