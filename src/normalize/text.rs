//! Cleaning of the document's words: runs of white space collapsed, footnote marks removed (and
//! ledgered), inline markup the reader removed ledgered. Names are not otherwise rewritten.

use super::ledger::Ledger;
use crate::anomaly::AnomalyKind;
use crate::parse::Located;
use regex::Regex;
use std::sync::LazyLock;

/// Superscript digits used as footnote marks (¹²³ ...).
pub fn is_footnote_mark(c: char) -> bool {
    matches!(c, '\u{b9}' | '\u{b2}' | '\u{b3}' | '\u{2070}' | '\u{2074}'..='\u{2079}')
}

/// Collapses every run of white space (no-break spaces and line breaks included) to one space and
/// trims the ends.
pub fn collapse_whitespace(text: &str) -> String {
    if is_single_spaced_ascii(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether `text` is ASCII with single spaces between words and none at the ends: the usual cell,
/// which cleaning leaves as it is (checked first because every cell of a document is cleaned).
fn is_single_spaced_ascii(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && bytes.iter().all(|&b| b.is_ascii() && (b >= b' ' && b != 0x7f))
        && !bytes.windows(2).any(|w| w == b"  ")
}

/// `text` with its line breaks (between several values of a cell) turned into spaces.
pub fn one_line(text: String) -> String {
    if text.contains('\n') { text.replace('\n', " ") } else { text }
}

/// A footnote reference written out, as KB 832017's ISA Server table does: `(note 1)`, `(note 1, 4)`.
static NOTE_MARK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\s*\(notes?\s+[0-9]+(?:\s*(?:,|and)\s*[0-9]+)*\)").expect("valid regex"));

/// Cleans a name or cell: footnote marks (superscript digits, `(note N)`) removed, with a
/// `footnote_mark` note naming `what`, and white space collapsed. Line breaks inside
/// the text (several values in one cell) are kept as `\n` between cleaned parts.
pub fn clean(text: &str, what: &str, ledger: &mut Ledger) -> String {
    clean_keeping_marks(text, what, ledger).0
}

/// [`clean`], returning the footnote marks it removed too (for a rule's note).
pub fn clean_keeping_marks(text: &str, what: &str, ledger: &mut Ledger) -> (String, Vec<String>) {
    // No footnote marks are possible without `(` or a non-ASCII character.
    if is_single_spaced_ascii(text) && !text.contains('(') {
        return (text.to_string(), Vec::new());
    }
    let parts: Vec<String> = text.split('\n').map(collapse_whitespace).filter(|p| !p.is_empty()).collect();
    let joined = parts.join("\n");
    // The expression is only compiled (and run) when a note can be there at all.
    let may_note = joined.to_ascii_lowercase().contains("(note");
    let mut marks: Vec<String> = if may_note {
        NOTE_MARK.find_iter(&joined).map(|m| m.as_str().trim().to_string()).collect()
    } else {
        Vec::new()
    };
    let superscripts: String = joined.chars().filter(|&c| is_footnote_mark(c)).collect();
    if !superscripts.is_empty() {
        marks.insert(0, superscripts);
    }
    if marks.is_empty() {
        return (joined, marks);
    }
    let stripped: Vec<String> = joined
        .split('\n')
        .map(|p| {
            let p = p.replace(is_footnote_mark, "");
            collapse_whitespace(&if may_note { NOTE_MARK.replace_all(&p, "").into_owned() } else { p })
        })
        .collect();
    let cleaned = stripped.join("\n");
    ledger.note(
        AnomalyKind::FootnoteMark,
        joined.replace('\n', " / "),
        Some(cleaned.replace('\n', " / ")),
        format!("Footnote mark(s) {} removed from the {what}.", marks.join(" ")),
    );
    (cleaned, marks)
}

/// A name ending in a footnote mark written as a sign (`RPC *`, `SMB (**)`, `NodePort Services†`):
/// the name and the mark. `None` where there is none, or nothing before it.
pub fn trailing_mark(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_end();
    let mark_start = if text.ends_with(')') {
        let open = text.rfind('(')?;
        let inside = &text[open + 1..text.len() - 1];
        (!inside.is_empty() && inside.chars().all(|c| c == '*')).then_some(open)?
    } else {
        let kept = text.trim_end_matches(['*', '†', '‡', '§']);
        (kept.len() < text.len()).then_some(kept.len())?
    };
    let name = text[..mark_start].trim_end().trim_end_matches('\\').trim_end();
    (!name.is_empty()).then(|| (name, text[mark_start..].trim()))
}

/// Ledgers the inline markup the format's reader removed from `located`, if it removed any (at the
/// ledger's line: a cell's row): `loaded` is what was loaded from it, `what` names it in the message.
pub fn ledger_markup(located: &Located, loaded: &str, what: &str, ledger: &mut Ledger) {
    let Some(source) = &located.markup else { return };
    ledger.note(
        AnomalyKind::InlineMarkup,
        collapse_whitespace(source),
        Some(loaded.replace('\n', " / ")),
        format!("Inline markup removed from the {what}."),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_white_space_of_every_kind() {
        assert_eq!(collapse_whitespace("  Legacy\u{a0}\u{a0}RADIUS \t x "), "Legacy RADIUS x");
        assert_eq!(collapse_whitespace("Legacy  RADIUS"), "Legacy RADIUS");
        assert_eq!(collapse_whitespace("Legacy RADIUS "), "Legacy RADIUS");
        assert_eq!(collapse_whitespace("a\tb\nc"), "a b c");
        assert_eq!(collapse_whitespace("already clean"), "already clean");
        assert_eq!(one_line("a\nb".into()), "a b");
    }

    #[test]
    fn removes_and_ledgers_footnote_marks() {
        let mut ledger = Ledger::new(7);
        assert_eq!(clean("RPC¹", "application protocol", &mut ledger), "RPC");
        assert_eq!(clean("1024 - 5000\n49152 - 65535²", "port cell", &mut ledger), "1024 - 5000\n49152 - 65535");
        let anomalies = ledger.into_entries();
        assert_eq!(anomalies.len(), 2);
        assert_eq!(anomalies[0].kind, AnomalyKind::FootnoteMark);
        assert_eq!(anomalies[1].raw, "1024 - 5000 / 49152 - 65535²");
        assert!(anomalies[1].message.contains('²'));
    }

    #[test]
    fn footnote_references_in_words_are_marks_too() {
        let mut ledger = Ledger::new(3);
        assert_eq!(
            clean("Randomly allocated high TCP ports (note 6)", "application protocol", &mut ledger),
            "Randomly allocated high TCP ports"
        );
        assert_eq!(clean("2175 (note 1, 4)", "port cell", &mut ledger), "2175");
        assert_eq!(clean("445\n139 (Notes 2 and 3)¹", "port cell", &mut ledger), "445\n139");
        assert_eq!(ledger.entries().len(), 3);
        assert_eq!(ledger.entries()[1].message, "Footnote mark(s) (note 1, 4) removed from the port cell.");
        assert_eq!(ledger.entries()[2].message, "Footnote mark(s) ¹ (Notes 2 and 3) removed from the port cell.");
        assert_eq!(clean("1745 (This port is required.)", "port cell", &mut ledger), "1745 (This port is required.)");
        assert_eq!(ledger.entries().len(), 3, "a remark is no footnote mark");
    }

    #[test]
    fn trailing_marks_of_names() {
        assert_eq!(trailing_mark("RPC for LSA, SAM, NetLogon (*)"), Some(("RPC for LSA, SAM, NetLogon", "(*)")));
        assert_eq!(trailing_mark("SMB (**)"), Some(("SMB", "(**)")));
        assert_eq!(trailing_mark("RPC *"), Some(("RPC", "*")));
        assert_eq!(trailing_mark("NodePort Services†"), Some(("NodePort Services", "†")));
        assert_eq!(trailing_mark("GRE (IP protocol 47)"), None);
        assert_eq!(trailing_mark("*"), None);
        assert_eq!(trailing_mark("SMB"), None);
    }

    #[test]
    fn plain_text_is_left_alone() {
        let mut ledger = Ledger::new(1);
        assert_eq!(clean("MSSQL$UDDI", "title", &mut ledger), "MSSQL$UDDI");
        assert!(ledger.entries().is_empty());
    }

    #[test]
    fn removed_markup_is_ledgered_with_the_source() {
        let mut ledger = Ledger::new(4);
        ledger_markup(&Located::new(3, "SMB"), "SMB", "application protocol", &mut ledger);
        assert!(ledger.entries().is_empty());
        let cell = Located::with_markup(4, "a\nb", "**a**<br/>**b**");
        ledger_markup(&cell, "a\nb", "port cell", &mut ledger);
        let a = &ledger.entries()[0];
        assert_eq!(
            (a.line, a.kind, a.raw.as_str(), a.normalized.as_deref()),
            (4, AnomalyKind::InlineMarkup, "**a**<br/>**b**", Some("a / b"))
        );
    }
}
