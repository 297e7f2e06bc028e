//! The report's HTML: a contents list, then per source its port map, its services with their
//! rules and lines, and its anomalies; then, for two sources, the changes. Everything the
//! documents say is escaped; the styles are in the page.

use super::{Report, SourceReport, map};
use crate::diff::{Change, Diff, Rule};
use std::fmt::Write as _;

/// Text made safe for HTML (element content and quoted attribute values).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body { font-family: 'DejaVu Sans', Arial, sans-serif; margin: 24px; color: #1d2329; max-width: 1160px; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 20px; margin-top: 36px; border-bottom: 1px solid #ccd; }
h3 { font-size: 15px; margin: 18px 0 4px; } .muted { color: #5d6670; font-size: 13px; }
table { border-collapse: collapse; font-size: 13px; margin: 4px 0 8px; }
th, td { border: 1px solid #d5d9de; padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
svg.map text { font-size: 11px; fill: #1d2329; } svg.map text.service { text-anchor: end; }
svg.map text.tick { text-anchor: middle; fill: #5d6670; font-size: 10px; } svg.map text.part { fill: #5d6670; }
tr.added td { background: #e3f6e5; } tr.removed td { background: #fbe4e4; } tr.changed td { background: #fff4d6; }
span.added { color: #17692a; } span.removed { color: #a31d1d; } span.changed { color: #8a5a00; }
nav ul { margin: 4px 0; } code { font-size: 12px; }
";

/// The whole page.
pub fn page(report: &Report) -> String {
    let mut html = String::new();
    let names: Vec<&str> = report.sources.iter().map(|s| s.name.as_str()).collect();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n<title>kbingest report: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&report.database)
    );
    let _ = write!(
        html,
        "<h1>Network ports: {}</h1>\n<p class=\"muted\">Made by kbingest {} from <code>{}</code>: {}.</p>\n",
        escape(&names.join(", ")),
        env!("CARGO_PKG_VERSION"),
        escape(&report.database),
        crate::cmd::count_of(report.sources.len() as u64, "source", "sources")
    );
    html.push_str("<nav><ul>\n");
    for (i, source) in report.sources.iter().enumerate() {
        let _ = writeln!(
            html,
            "<li><a href=\"#source-{i}\">{}</a>: <a href=\"#map-{i}\">port map</a>, <a href=\"#services-{i}\">{}</a>, <a href=\"#anomalies-{i}\">{}</a></li>",
            escape(&source.name),
            crate::cmd::count_of(source.services.len() as u64, "service", "services"),
            crate::cmd::count_of(source.anomalies.len() as u64, "anomaly", "anomalies"),
        );
    }
    if report.diff.is_some() {
        html.push_str("<li><a href=\"#changes\">What changed</a></li>\n");
    }
    html.push_str("</ul></nav>\n");
    for (i, source) in report.sources.iter().enumerate() {
        source_section(&mut html, i, source);
    }
    if let (Some(diff), [old, new]) = (&report.diff, report.sources.as_slice()) {
        changes(&mut html, diff, &old.name, &new.name);
    }
    html.push_str("</body>\n</html>\n");
    html
}

fn ports(rule: &Rule) -> String {
    match (rule.port_low, rule.port_high) {
        (Some(low), Some(high)) if low == high => low.to_string(),
        (Some(low), Some(high)) => format!("{low}-{high}"),
        _ => "-".to_string(),
    }
}

fn source_section(html: &mut String, i: usize, source: &SourceReport) {
    let rules: usize = source.services.iter().map(|s| s.rules.len()).sum();
    let _ = write!(
        html,
        "<h2 id=\"source-{i}\">{}</h2>\n<p class=\"muted\">{}, {}, {}.</p>\n",
        escape(&source.name),
        crate::cmd::count_of(source.services.len() as u64, "service", "services"),
        crate::cmd::count_of(rules as u64, "port rule", "port rules"),
        crate::cmd::count_of(source.anomalies.len() as u64, "anomaly", "anomalies")
    );
    let _ = write!(
        html,
        "<h3 id=\"map-{i}\">Port map</h3>\n<p class=\"muted\">Each service's ports: a mark at a port, a bar over a range; TCP above, UDP below; hover for the rule and its line.</p>\n{}\n",
        map::port_map(&source.services)
    );
    let _ = writeln!(html, "<h3 id=\"services-{i}\">Services</h3>");
    for service in &source.services {
        let name = match &service.system_service_name {
            Some(n) => format!("{} <span class=\"muted\">({})</span>", escape(&service.title), escape(n)),
            None => escape(&service.title),
        };
        let _ = write!(
            html,
            "<h3>{name} <span class=\"muted\">rules from line {}</span></h3>\n<table><tr><th>transport</th><th>ports</th><th>kind</th><th>application protocol</th><th>line</th></tr>\n",
            service.line
        );
        for rule in &service.rules {
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(rule.transport.as_deref().unwrap_or("")),
                ports(rule),
                escape(&rule.port_kind),
                escape(&rule.application_protocol),
                rule.line
            );
        }
        html.push_str("</table>\n");
    }
    let _ = writeln!(html, "<h3 id=\"anomalies-{i}\">Anomalies</h3>");
    if source.anomalies.is_empty() {
        html.push_str("<p class=\"muted\">None: the document keeps to its own regular form.</p>\n");
        return;
    }
    html.push_str("<table><tr><th>line</th><th>kind</th><th>the document says</th><th>loaded</th><th>why</th></tr>\n");
    for a in &source.anomalies {
        let _ = writeln!(
            html,
            "<tr><td class=\"num\">{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            a.line,
            escape(&a.kind),
            escape(&shorten(&a.raw, 300)),
            escape(a.normalized.as_deref().unwrap_or("")),
            escape(&a.message)
        );
    }
    html.push_str("</table>\n");
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

fn changes(html: &mut String, diff: &Diff, old: &str, new: &str) {
    let counts: Vec<String> =
        Change::ALL.iter().map(|c| format!("<span class=\"{0}\">{1} {0}</span>", c.name(), diff.count(*c))).collect();
    let _ = write!(
        html,
        "<h2 id=\"changes\">What changed: {} &rarr; {}</h2>\n<p>{} (port rules).</p>\n",
        escape(old),
        escape(new),
        counts.join(", ")
    );
    for service in diff.services.iter().filter(|s| s.differs()) {
        let title = match (service.old.as_ref().map(|s| &s.title), service.new.as_ref().map(|s| &s.title)) {
            (Some(o), Some(n)) if o != n => format!("{} <span class=\"muted\">(was {})</span>", escape(n), escape(o)),
            _ => escape(service.title()),
        };
        let _ = write!(
            html,
            "<h3>{title}</h3>\n<table><tr><th>change</th><th>application protocol</th><th>transport</th><th>old ports</th><th>new ports</th><th>old line</th><th>new line</th></tr>\n"
        );
        for row in &service.rows {
            let side = |rule: &Option<Rule>| match rule {
                Some(r) if r.port_kind == "dynamic" => format!("{} (dynamic)", ports(r)),
                Some(r) => ports(r),
                None => String::new(),
            };
            let line = |rule: &Option<Rule>| rule.as_ref().map(|r| r.line.to_string()).unwrap_or_default();
            let _ = writeln!(
                html,
                "<tr class=\"{0}\"><td>{0}</td><td>{1}</td><td>{2}</td><td class=\"num\">{3}</td><td class=\"num\">{4}</td><td class=\"num\">{5}</td><td class=\"num\">{6}</td></tr>",
                row.change.name(),
                escape(&row.application_protocol),
                escape(row.transport.as_deref().unwrap_or("")),
                side(&row.old),
                side(&row.new),
                line(&row.old),
                line(&row.new)
            );
        }
        html.push_str("</table>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_text_is_escaped() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(escape("a\u{1b}[31mb"), "a [31mb");
    }
}
