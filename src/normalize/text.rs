//! Cleaning of the document's words: runs of white space collapsed, footnote marks removed (and
//! ledgered), inline markup the reader removed ledgered. Names are not otherwise rewritten.

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::parse::Located;

/// Superscript digits used as footnote marks (¹²³ ...).
pub fn is_footnote_mark(c: char) -> bool {
    matches!(c, '\u{b9}' | '\u{b2}' | '\u{b3}' | '\u{2070}' | '\u{2074}'..='\u{2079}')
}

/// Collapses every run of white space (no-break spaces and line breaks included) to one space and
/// trims the ends.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Cleans a name or cell: footnote marks removed (with a `footnote_mark` anomaly at `line` naming
/// `what`), white space collapsed. Line breaks inside the text (several values in one cell) are
/// kept as `\n` between cleaned parts.
pub fn clean(text: &str, line: u32, what: &str, anomalies: &mut Vec<Anomaly>) -> String {
    let parts: Vec<String> = text.split('\n').map(collapse_whitespace).filter(|p| !p.is_empty()).collect();
    let joined = parts.join("\n");
    if !joined.chars().any(is_footnote_mark) {
        return joined;
    }
    let marks: String = joined.chars().filter(|&c| is_footnote_mark(c)).collect();
    let stripped: Vec<String> = joined
        .split('\n')
        .map(|p| collapse_whitespace(&p.chars().filter(|&c| !is_footnote_mark(c)).collect::<String>()))
        .collect();
    let cleaned = stripped.join("\n");
    anomalies.push(Anomaly::new(
        line,
        AnomalyKind::FootnoteMark,
        joined.replace('\n', " / "),
        Some(cleaned.replace('\n', " / ")),
        format!("Footnote mark(s) {marks} removed from the {what}."),
    ));
    cleaned
}

/// Ledgers the inline markup the format's reader removed from `located`, if it removed any, at
/// `line` (a cell's row): `loaded` is what was loaded from it, `what` names it in the message.
pub fn ledger_markup(located: &Located, line: u32, loaded: &str, what: &str, anomalies: &mut Vec<Anomaly>) {
    let Some(source) = &located.markup else { return };
    anomalies.push(Anomaly::new(
        line,
        AnomalyKind::InlineMarkup,
        collapse_whitespace(source),
        Some(loaded.replace('\n', " / ")),
        format!("Inline markup removed from the {what}."),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_white_space_of_every_kind() {
        assert_eq!(collapse_whitespace("  Legacy\u{a0}\u{a0}RADIUS \t x "), "Legacy RADIUS x");
    }

    #[test]
    fn removes_and_ledgers_footnote_marks() {
        let mut anomalies = Vec::new();
        assert_eq!(clean("RPC¹", 7, "application protocol", &mut anomalies), "RPC");
        assert_eq!(clean("1024 - 5000\n49152 - 65535²", 7, "port cell", &mut anomalies), "1024 - 5000\n49152 - 65535");
        assert_eq!(anomalies.len(), 2);
        assert_eq!(anomalies[0].kind, AnomalyKind::FootnoteMark);
        assert_eq!(anomalies[1].raw, "1024 - 5000 / 49152 - 65535²");
        assert!(anomalies[1].message.contains('²'));
    }

    #[test]
    fn plain_text_is_left_alone() {
        let mut anomalies = Vec::new();
        assert_eq!(clean("MSSQL$UDDI", 1, "title", &mut anomalies), "MSSQL$UDDI");
        assert!(anomalies.is_empty());
    }

    #[test]
    fn removed_markup_is_ledgered_with_the_source() {
        let mut anomalies = Vec::new();
        ledger_markup(&Located::new(3, "SMB"), 3, "SMB", "application protocol", &mut anomalies);
        assert!(anomalies.is_empty());
        let cell = Located::with_markup(4, "a\nb", "**a**<br/>**b**");
        ledger_markup(&cell, 4, "a\nb", "port cell", &mut anomalies);
        let a = &anomalies[0];
        assert_eq!(
            (a.line, a.kind, a.raw.as_str(), a.normalized.as_deref()),
            (4, AnomalyKind::InlineMarkup, "**a**<br/>**b**", Some("a / b"))
        );
    }
}
