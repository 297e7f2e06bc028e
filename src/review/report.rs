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

#[cfg(test)]
mod tests {
    use super::*;

    fn line(verdict: Verdict, ports: &str) -> Finding {
        Finding {
            verdict,
            service: (verdict != Verdict::Undocumented).then(|| "DNS Server".to_string()),
            system_service_name: None,
            transport: "TCP".into(),
            ports: ports.into(),
            families: vec![Family::V4, Family::V6],
            source: (verdict != Verdict::Undocumented).then(|| ("doc.txt".to_string(), 7)),
            ruleset_rules: vec!["filter INPUT line 3".into(), "ip6 filter INPUT line 9".into()],
            detail: String::new(),
            registered_names: (verdict == Verdict::Undocumented).then(|| "ssh".to_string()),
        }
    }

    #[test]
    fn rows_through_the_export_writer_and_a_summary() {
        let review = Review {
            findings: vec![line(Verdict::Allowed, "53"), line(Verdict::Undocumented, "22")],
            families: vec![Family::V4, Family::V6],
            notes: Vec::new(),
        };
        let mut out = Vec::new();
        write(&mut out, &review, OutputFormat::Csv, false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "finding,service,system_service_name,transport,ports,ip,source,source_line,ruleset_rule,detail,registered_names\r\n\
             allowed,DNS Server,,TCP,53,\"IPv4, IPv6\",doc.txt,7,filter INPUT line 3; ip6 filter INPUT line 9,,\r\n\
             undocumented,,,TCP,22,\"IPv4, IPv6\",,,filter INPUT line 3; ip6 filter INPUT line 9,,ssh\r\n"
        );
        let mut out = Vec::new();
        write(&mut out, &review, OutputFormat::Jsonl, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 1, "--findings-only leaves out the allowed line: {text}");
        assert!(text.starts_with("{\"finding\":\"undocumented\",\"service\":null,"), "{text}");
        assert_eq!(
            summary(&review, "rules.txt", "iptables-save"),
            "rules.txt (iptables-save, IPv4, IPv6): 1 allowed, 0 blocked, 0 partly, 0 depends; 1 open but not documented"
        );
    }
}
