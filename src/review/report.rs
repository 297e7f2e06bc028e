//! The review written out through the export writer: one row per finding, in any of its formats.

use super::findings::{Finding, Review, Verdict};
use super::model::Family;
use crate::export::{OutputFormat, RowWriter, SpreadsheetOptions};
use rusqlite::types::Value;
use std::io::{self, Write};

/// The columns of the report.
pub const COLUMNS: [&str; 11] = [
    "finding",
    "service",
    "system_service_name",
    "transport",
    "ports",
    "ip",
    "source",
    "source_line",
    "ruleset_rule",
    "detail",
    "registered_names",
];

/// Writes the findings in `format`; with `findings_only`, not the `allowed` ones.
pub fn write(out: impl Write, review: &Review, format: OutputFormat, findings_only: bool) -> io::Result<()> {
    let columns: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    let mut writer = RowWriter::new(out, format, SpreadsheetOptions::default(), &columns)?;
    for finding in review.findings.iter().filter(|f| !(findings_only && f.verdict == Verdict::Allowed)) {
        let values = row(finding);
        let refs: Vec<_> = values.iter().map(rusqlite::types::ValueRef::from).collect();
        writer.write_row(&refs)?;
    }
    writer.finish().map(drop)
}

fn row(f: &Finding) -> Vec<Value> {
    let text = |t: Option<&str>| t.filter(|t| !t.is_empty()).map_or(Value::Null, |t| Value::Text(t.to_string()));
    vec![
        Value::Text(f.verdict.name().into()),
        text(f.service.as_deref()),
        text(f.system_service_name.as_deref()),
        Value::Text(f.transport.clone()),
        text(Some(&f.ports)),
        Value::Text(families_words(&f.families)),
        text(f.source.as_ref().map(|(s, _)| s.as_str())),
        f.source.as_ref().map_or(Value::Null, |(_, line)| Value::Integer(i64::from(*line))),
        text(Some(&f.ruleset_rules.join("; "))),
        text(Some(&f.detail)),
        text(f.registered_names.as_deref()),
    ]
}

/// `IPv4`, `IPv6`, `IPv4, IPv6`.
pub fn families_words(families: &[Family]) -> String {
    families.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")
}

/// The one-line summary for standard error.
pub fn summary(review: &Review, ruleset: &str, format: &str) -> String {
    let documented: Vec<String> =
        Verdict::ALL[..4].iter().map(|&v| format!("{} {}", review.count(v), v.name())).collect();
    format!(
        "{ruleset} ({format}, {}): {}; {} open but not documented",
        families_words(&review.families),
        documented.join(", "),
        review.count(Verdict::Undocumented)
    )
}
