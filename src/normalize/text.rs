//! Cleaning of the document's words: runs of white space collapsed, footnote marks removed (and
//! ledgered). Names are not otherwise rewritten.

use crate::anomaly::{Anomaly, AnomalyKind};

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
}
