//! The `table` format of `diff`, for a terminal: the changes grouped by service, each service
//! under its title (with its old title where it was renamed; a renamed service is listed even
//! where its rules are unchanged), the rules that moved between services, and a line counting
//! the unchanged rules (`--all` lists them).
//!
//! Every line fits the width: titles and notes wrap at spaces, table cells that do not fit are cut
//! short with `…` (the application protocol first, then the widest ports). The other formats have
//! every text in full.

use super::Report;
use crate::diff::{Change, Diff, DiffRow, Pairing, Rule, ServiceChange, ServiceDiff, ServiceName};
use std::io::{self, Write};

/// The narrowest width fitted to; a narrower terminal gets lines of this width.
pub const MIN_WIDTH: usize = 60;
/// Where table rows and notes begin.
const INDENT: usize = 2;
/// Between two cells.
const GAP: usize = 2;
/// The column headings; the last column takes the width that is left.
const HEADINGS: [&str; 6] = ["change", "old", "line", "new", "line", "app protocol"];
/// Columns whose numbers align right.
const NUMERIC: [bool; 6] = [false, false, true, false, true, false];
/// The least width of a column that may be cut short.
const MIN_CELL: usize = 8;

/// One line of the output, before fitting.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    /// A service's title, or a group's.
    Heading(String),
    /// A fact under a heading or a row, indented by so many characters.
    Note(usize, String),
    /// A table row.
    Row([String; 6]),
    /// An empty line between services.
    Blank,
}

/// Writes the comparison for a terminal `report.width` characters wide.
pub fn write(out: &mut impl Write, diff: &Diff, report: &Report<'_>) -> io::Result<()> {
    let mut lines = Vec::new();
    for service in &diff.services {
        // A renamed service is listed though its rules are all unchanged.
        let notes = notes(service, report);
        if !(report.unchanged || service.differs() || !notes.is_empty()) {
            continue;
        }
        lines.push(Line::Blank);
        // The service as it is now (its old system service name is in the notes).
        let now = service.new.as_ref().or(service.old.as_ref());
        lines.push(Line::Heading(now.map(name_of).unwrap_or_default()));
        lines.extend(notes.into_iter().map(|note| Line::Note(INDENT, note)));
        lines.extend(service.rows.iter().filter(|r| report.shows(r)).map(|r| Line::Row(cells(r))));
    }
    if !diff.moves.is_empty() {
        lines.push(Line::Blank);
        lines.push(Line::Heading("Moved between services".to_string()));
        for moved in &diff.moves {
            lines.push(Line::Row(cells(&moved.row)));
            lines.push(Line::Note(2 * INDENT, format!("from {} in {}", name_of(&moved.old_service), report.old)));
            lines.push(Line::Note(2 * INDENT, format!("to {} in {}", name_of(&moved.new_service), report.new)));
        }
    }
    if lines.is_empty() {
        lines.push(Line::Note(0, format!("No changes from {} to {}.", report.old, report.new)));
    } else {
        lines.insert(0, Line::Row(HEADINGS.map(String::from)));
    }
    let unchanged = diff.count(Change::Unchanged);
    if !report.unchanged && unchanged > 0 {
        lines.push(Line::Blank);
        let rules = if unchanged == 1 { "1 unchanged port rule" } else { "unchanged port rules" };
        let rules = if unchanged == 1 { rules.to_string() } else { format!("{unchanged} {rules}") };
        lines.push(Line::Note(0, format!("{rules} not listed (--all lists them)")));
    }
    render(out, &lines, report.width.max(MIN_WIDTH))
}

/// `Title [NAME]`, or the title alone.
fn named(title: &str, system_service_name: Option<&str>) -> String {
    match system_service_name {
        Some(name) => format!("{title} [{name}]"),
        None => title.to_string(),
    }
}

fn name_of(service: &ServiceName) -> String {
    named(&service.title, service.system_service_name.as_deref())
}

/// What is said under a service's title: where it is, and what it was called.
fn notes(service: &ServiceDiff, report: &Report<'_>) -> Vec<String> {
    let mut notes = Vec::new();
    let how = match service.paired_by {
        Some(Pairing::Likeness) => " (paired by likeness of title and ports)",
        Some(Pairing::Asked) => " (paired by --match)",
        _ => "",
    };
    match (service.change(), &service.old, &service.new) {
        (ServiceChange::Added, ..) => notes.push(format!("only in {}", report.new)),
        (ServiceChange::Removed, ..) => notes.push(format!("only in {}", report.old)),
        (ServiceChange::Renamed, Some(old), _) => notes.push(format!("renamed from {}{how}", name_of(old))),
        (_, Some(old), Some(new)) => {
            let old_name = old.system_service_name.as_deref();
            if old_name.map(str::to_lowercase) != new.system_service_name.as_deref().map(str::to_lowercase) {
                notes.push(format!("system service name in {}: {}{how}", report.old, old_name.unwrap_or("none")));
            }
        }
        _ => {}
    }
    notes
}

/// A row's cells: change, old transport and ports, old line, new ones, application protocol.
fn cells(row: &DiffRow) -> [String; 6] {
    let side = |rule: Option<&Rule>| rule.map_or_else(String::new, ports);
    let line = |rule: Option<&Rule>| rule.map_or_else(String::new, |r| r.line.to_string());
    let (old, new) = (row.old.as_ref(), row.new.as_ref());
    let renamed = matches!((old, new), (Some(o), Some(n)) if o.application_protocol != n.application_protocol);
    let protocol = match (old, new) {
        (Some(o), Some(n)) if renamed => format!("{} (was {})", n.application_protocol, o.application_protocol),
        _ => row.application_protocol.clone(),
    };
    [row.change.name().to_string(), side(old), line(old), side(new), line(new), protocol]
}

/// A rule's transport and ports, short: `TCP 445`, `TCP 1025-5000 dyn`, `ICMP`, `TCP any`; a
/// port without a transport is `? 80`.
fn ports(rule: &Rule) -> String {
    let transport = rule.transport.as_deref().unwrap_or("?");
    let dynamic = if rule.port_kind == "dynamic" { " dyn" } else { "" };
    match (rule.port_low, rule.port_high) {
        (Some(low), Some(high)) if low == high => format!("{transport} {low}{dynamic}"),
        (Some(low), Some(high)) => format!("{transport} {low}-{high}{dynamic}"),
        _ if rule.port_kind == "none" => transport.to_string(),
        _ if rule.port_kind == "dynamic" => format!("{transport} dyn"),
        _ => format!("{transport} {}", rule.port_kind),
    }
}

/// Writes the lines fitted to `width`.
fn render(out: &mut impl Write, lines: &[Line], width: usize) -> io::Result<()> {
    let widths = column_widths(lines, width);
    let mut first = true;
    for line in lines {
        match line {
            Line::Blank if first => continue,
            Line::Blank => writeln!(out)?,
            Line::Heading(text) => write_wrapped(out, text, 0, width)?,
            Line::Note(indent, text) => write_wrapped(out, text, *indent, width)?,
            Line::Row(cells) => {
                let mut text = " ".repeat(INDENT);
                for (i, cell) in cells.iter().enumerate() {
                    let cell = cut(&flatten(cell), widths[i]);
                    let pad = " ".repeat(widths[i].saturating_sub(chars(&cell)));
                    if i > 0 {
                        text.push_str(&" ".repeat(GAP));
                    }
                    if NUMERIC[i] {
                        text.push_str(&pad);
                        text.push_str(&cell);
                    } else {
                        text.push_str(&cell);
                        text.push_str(&pad);
                    }
                }
                writeln!(out, "{}", text.trim_end())?;
            }
        }
        first = false;
    }
    Ok(())
}

/// The widths of the columns: each as wide as its widest cell, cut down to fit `width`, the
/// last column first.
fn column_widths(lines: &[Line], width: usize) -> [usize; 6] {
    let mut widths = [0; 6];
    for line in lines {
        if let Line::Row(cells) = line {
            for (w, cell) in widths.iter_mut().zip(cells) {
                *w = (*w).max(chars(&flatten(cell)));
            }
        }
    }
    let total = |w: &[usize; 6]| INDENT + w.iter().sum::<usize>() + GAP * (w.len() - 1);
    let last = widths.len() - 1;
    let over = total(&widths).saturating_sub(width);
    widths[last] = widths[last].saturating_sub(over).max(MIN_CELL.min(widths[last]));
    // Then the widest of the ports, a character at a time.
    while total(&widths) > width {
        let widest = if widths[1] >= widths[3] { 1 } else { 3 };
        if widths[widest] <= MIN_CELL {
            break;
        }
        widths[widest] -= 1;
    }
    widths
}

/// Writes `text` wrapped at spaces to `width`, the first line indented by `indent`, the others
/// by two more; a word longer than a line is cut short.
fn write_wrapped(out: &mut impl Write, text: &str, indent: usize, width: usize) -> io::Result<()> {
    let text = flatten(text);
    let mut line = " ".repeat(indent);
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !empty && chars(&line) + 1 + chars(word) > width {
            writeln!(out, "{line}")?;
            line = " ".repeat(indent + 2);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        let room = width.saturating_sub(chars(&line));
        line.push_str(&cut(word, room));
        empty = false;
    }
    writeln!(out, "{}", line.trim_end())
}

/// `text` cut to `width` characters, its last one `…` where it was cut.
fn cut(text: &str, width: usize) -> String {
    if chars(text) <= width {
        return text.to_string();
    }
    let mut kept: String = text.chars().take(width.saturating_sub(1)).collect();
    kept.push('…');
    kept
}

/// A text on one line, without control characters (a document's cell cannot send escape
/// sequences to the terminal).
fn flatten(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Display width, counted in characters (good enough for the Latin text of port documents).
fn chars(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_cells_are_cut_and_long_titles_wrap_to_the_width() {
        let row = |protocol: &str| {
            Line::Row(
                ["changed", "TCP 1025-5000 dyn", "371", "TCP 49152-65535 dyn", "1181", protocol].map(String::from),
            )
        };
        let title =
            "Offline Files, User Profile Service, Folder Redirection, and Primary Computer [ProfSvc, CscService]";
        let lines = [
            Line::Row(HEADINGS.map(String::from)),
            Line::Heading(title.to_string()),
            row("RPC randomly allocated high TCP ports (was RPC)"),
            row("RPC"),
        ];
        for width in [60, 80, 120] {
            let mut out = Vec::new();
            render(&mut out, &lines, width).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(text.lines().all(|l| chars(l) <= width), "{width}:\n{text}");
            assert!(text.contains("Offline Files,"), "{text}");
            assert!(text.contains("CscService]"), "the title wraps, whole\n{text}");
            assert_eq!(text.contains("  changed  TCP 1025-5000 dyn  "), width >= 80, "the ports give way last\n{text}");
            assert_eq!(text.contains('…'), width < 120, "{width}:\n{text}");
        }
    }

    #[test]
    fn the_ports_give_way_when_the_protocol_cannot() {
        let lines = [Line::Row(
            ["unchanged", "TCP 49152-65535 dyn", "12345", "TCP 49152-65535 dyn", "12345", "SMB"].map(String::from),
        )];
        let widths = column_widths(&lines, 60);
        assert_eq!(INDENT + widths.iter().sum::<usize>() + GAP * 5, 60, "{widths:?}");
        assert_eq!(widths[5], 3, "a short protocol is never cut");
    }

    #[test]
    fn cells_and_ports_for_people() {
        let rule = |name: &str, low: Option<i64>, high: Option<i64>, kind: &str| Rule {
            application_protocol: name.into(),
            transport: Some("TCP".into()),
            port_low: low,
            port_high: high,
            port_kind: kind.into(),
            line: 7,
        };
        assert_eq!(ports(&rule("x", Some(445), Some(445), "fixed")), "TCP 445");
        assert_eq!(ports(&rule("x", Some(1025), Some(5000), "dynamic")), "TCP 1025-5000 dyn");
        assert_eq!(ports(&rule("x", None, None, "dynamic")), "TCP dyn");
        assert_eq!(ports(&rule("x", None, None, "configurable")), "TCP configurable");
        assert_eq!(ports(&Rule { transport: None, ..rule("x", Some(80), Some(80), "fixed") }), "? 80");
        let row = DiffRow {
            change: Change::Changed,
            application_protocol: "RPC high".into(),
            transport: Some("TCP".into()),
            old: Some(rule("High", Some(1025), Some(5000), "dynamic")),
            new: Some(rule("RPC high", Some(49152), Some(65535), "dynamic")),
        };
        assert_eq!(cells(&row)[5], "RPC high (was High)");
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(flatten("a\u{1b}[2Jb"), "a [2Jb");
    }
}
