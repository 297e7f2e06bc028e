//! The answers of `ports` and `who` as a person reads them: per service (per port), one line per
//! rule with its document line.

use super::{PortAnswer, ServiceRules};
use crate::store::lookup::Rows;
use rusqlite::types::Value;

/// One rule as the listing shows it.
struct RuleLine {
    transport: String,
    ports: String,
    protocol: String,
    line: String,
}

fn text(row: &[Value], rows: &Rows, column: &str) -> Option<String> {
    match &row[rows.position(column)?] {
        Value::Null => None,
        Value::Integer(v) => Some(v.to_string()),
        Value::Real(v) => Some(v.to_string()),
        Value::Text(t) => Some(t.clone()),
        Value::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
    }
}

fn rule_line(rows: &Rows, row: &[Value], with_source: bool) -> RuleLine {
    let get = |c: &str| text(row, rows, c);
    let ports = match (get("port_low"), get("port_high")) {
        (Some(low), Some(high)) if low == high => low,
        (Some(low), Some(high)) => format!("{low}-{high}"),
        _ => match get("icmp_type") {
            Some(t) => format!("type {t}"),
            None => "-".to_string(),
        },
    };
    let mut qualifiers = Vec::new();
    if get("port_kind").as_deref() == Some("dynamic") {
        qualifiers.push("dynamic".to_string());
    }
    if let Some(direction) = get("direction") {
        qualifiers.push(direction);
    }
    let ports = if qualifiers.is_empty() { ports } else { format!("{ports} ({})", qualifiers.join(", ")) };
    let line = get("source_line").unwrap_or_default();
    let line =
        if with_source { format!("{} line {line}", get("source").unwrap_or_default()) } else { format!("line {line}") };
    RuleLine {
        transport: get("transport").unwrap_or_else(|| "?".into()),
        ports,
        protocol: get("application_protocol").unwrap_or_default(),
        line,
    }
}

/// Lines of cells, each column padded to its widest cell (the last one not padded).
fn aligned(lines: &[Vec<String>], indent: &str) -> String {
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| lines.iter().filter_map(|l| l.get(i)).map(|c| c.chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for line in lines {
        let mut text = String::from(indent);
        for (i, cell) in line.iter().enumerate() {
            if i + 1 == line.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<width$}  ", width = widths[i]));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

fn service_name(title: &str, system_service_name: Option<&str>) -> String {
    match system_service_name {
        Some(name) => format!("{title} ({name})"),
        None => title.to_string(),
    }
}

/// The answer of `ports`: each service with why it was found and its rules.
pub fn ports(answer: &[ServiceRules]) -> String {
    let mut out = String::new();
    for (i, found) in answer.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let s = &found.service;
        out.push_str(&format!(
            "{}: {} line {}; {}\n",
            service_name(&s.title, s.system_service_name.as_deref()),
            s.source,
            s.line,
            found.reason.describe(&found.asked)
        ));
        let lines: Vec<Vec<String>> = found
            .rules
            .rows
            .iter()
            .map(|row| {
                let r = rule_line(&found.rules, row, false);
                vec![r.transport, r.ports, r.protocol, r.line]
            })
            .collect();
        if lines.is_empty() {
            out.push_str("  no port rules\n");
        }
        out.push_str(&aligned(&lines, "  "));
    }
    out
}

/// The answer of `who`: per port, the documented rules (service, protocol, source and line), then
/// the registered names.
pub fn who(answers: &[PortAnswer]) -> String {
    let mut out = String::new();
    for (i, answer) in answers.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let (services, dynamic) = distinct_services(&answer.rules);
        let dynamic =
            if dynamic > 0 { format!(" (and {dynamic} whose dynamic range holds it)") } else { String::new() };
        out.push_str(&format!(
            "{}: {}{dynamic}, {}\n",
            answer.query.label(),
            crate::cmd::count_of(services as u64, "documented service", "documented services"),
            crate::cmd::count_of(answer.registered.len() as u64, "registered name", "registered names"),
        ));
        let rows = &answer.rules;
        let mut lines: Vec<Vec<String>> = rows
            .rows
            .iter()
            .map(|row| {
                let r = rule_line(rows, row, true);
                let service = service_name(
                    &text(row, rows, "service").unwrap_or_default(),
                    text(row, rows, "system_service_name").as_deref(),
                );
                vec![r.transport, r.ports, service, r.protocol, r.line]
            })
            .collect();
        for r in &answer.registered {
            let ports = if r.port_low == r.port_high {
                r.port_low.to_string()
            } else {
                format!("{}-{}", r.port_low, r.port_high)
            };
            let name = r.service_name.clone().unwrap_or_else(|| "(no name)".into());
            let described = match &r.description {
                Some(d) if !d.is_empty() && Some(d) != r.service_name.as_ref() => format!("registered: {d}"),
                _ => "registered".to_string(),
            };
            lines.push(vec![
                r.transport.clone().unwrap_or_else(|| "?".into()),
                ports,
                name,
                described,
                format!("{} line {}", r.source, r.line),
            ]);
        }
        out.push_str(&aligned(&lines, "  "));
    }
    out
}

/// How many distinct services (source and title) the rows hold by a documented port or range, and
/// how many others only by a dynamic range.
pub fn distinct_services(rows: &Rows) -> (usize, usize) {
    let service = |r: &Vec<Value>| (text(r, rows, "source"), text(r, rows, "service"));
    let dynamic = |r: &&Vec<Value>| text(r, rows, "port_kind").as_deref() == Some("dynamic");
    let mut fixed: Vec<_> = rows.rows.iter().filter(|r| !dynamic(r)).map(service).collect();
    fixed.sort();
    fixed.dedup();
    let mut only_dynamic: Vec<_> =
        rows.rows.iter().filter(dynamic).map(service).filter(|s| !fixed.contains(s)).collect();
    only_dynamic.sort();
    only_dynamic.dedup();
    (fixed.len(), only_dynamic.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_the_last_is_not_padded() {
        let lines = vec![
            vec!["TCP".to_string(), "135".into(), "RPC".into()],
            vec!["UDP".into(), "1025-5000".into(), "x".into()],
        ];
        assert_eq!(aligned(&lines, "  "), "  TCP  135        RPC\n  UDP  1025-5000  x\n");
    }

    #[test]
    fn a_rule_line_shows_ranges_kinds_and_lines() {
        let rows = Rows {
            columns: [
                "source",
                "transport",
                "port_low",
                "port_high",
                "port_kind",
                "application_protocol",
                "source_line",
            ]
            .map(String::from)
            .to_vec(),
            rows: vec![],
        };
        let row = [
            Value::Text("a.txt".into()),
            Value::Text("TCP".into()),
            Value::Integer(1025),
            Value::Integer(5000),
            Value::Text("dynamic".into()),
            Value::Text("RPC".into()),
            Value::Integer(9),
        ];
        let r = rule_line(&rows, &row, true);
        assert_eq!(
            (r.transport.as_str(), r.ports.as_str(), r.line.as_str()),
            ("TCP", "1025-5000 (dynamic)", "a.txt line 9")
        );
    }
}
