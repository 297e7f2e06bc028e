//! The `System Service Name` label, however a document spells it: `System Service Name X`,
//! `System Service NameX` (glued), `System service name: **X**`, `System service names: X, Y`, or
//! `... System service name: X.` inside a paragraph. One grammar, for the section finder (which
//! paragraph gives the name) and the normalizer (what the name is). Allocates nothing: every
//! paragraph of a document is asked.

/// Where a label stands in a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// Byte where the label starts (0: the paragraph opens with it).
    pub start: usize,
    /// Byte where the name(s) after the label start.
    pub value: usize,
    /// Whether the name follows the label without a space or colon (`System Service NameX`).
    pub glued: bool,
}

/// The label in `text` (trimmed at its start by the caller): at the start of the paragraph in any
/// form, or inside it only as `name:` / `names:`.
pub fn system_service_label(text: &str) -> Option<Label> {
    let mut from = 0;
    while let Some((start, end)) = find_words(text, from, &["system", "service", "name"]) {
        let after = &text[end..];
        // A plural only before a colon: `NameSMTPSVC` is a glued name, not `Names` + `MTPSVC`.
        let plural = after.starts_with(['s', 'S']) && after[1..].trim_start().starts_with(':');
        let after_name = if plural { &after[1..] } else { after };
        let spaced = after_name.trim_start();
        let colon = spaced.starts_with(':');
        if start == 0 || colon {
            let value = text.len() - spaced.len() + usize::from(colon);
            let glued = !colon && spaced.len() == after_name.len();
            return Some(Label { start, value, glued });
        }
        from = start + 1;
    }
    None
}

/// Finds `words` in `text` at or after byte `from`, in any ASCII case, separated by white space;
/// returns the byte range of the match.
pub fn find_words(text: &str, from: usize, words: &[&str]) -> Option<(usize, usize)> {
    let (first, rest) = words.split_first()?;
    let bytes = text.as_bytes();
    let starts_with_at =
        |at: usize, word: &str| bytes.get(at..at + word.len()).is_some_and(|b| b.eq_ignore_ascii_case(word.as_bytes()));
    let lead = first.as_bytes().first()?.to_ascii_lowercase();
    'start: for (start, &byte) in bytes.iter().enumerate().skip(from) {
        if byte.to_ascii_lowercase() != lead || !starts_with_at(start, first) {
            continue;
        }
        let mut at = start + first.len();
        for word in rest {
            let gap = text.get(at..).map_or(0, |t| t.len() - t.trim_start().len());
            if gap == 0 || !starts_with_at(at + gap, word) {
                continue 'start;
            }
            at += gap + word.len();
        }
        return Some((start, at));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Option<(usize, &str, bool)> {
        system_service_label(text).map(|l| (l.start, text[l.value..].trim(), l.glued))
    }

    #[test]
    fn every_spelling_of_the_label() {
        assert_eq!(value("System Service Name DNS"), Some((0, "DNS", false)));
        assert_eq!(value("System Service Namelanmanserver"), Some((0, "lanmanserver", true)));
        assert_eq!(value("System Service NameSMTPSVC"), Some((0, "SMTPSVC", true)));
        assert_eq!(value("System service name: ALG"), Some((0, "ALG", false)));
        assert_eq!(value("System service names: ProfSvc, CscService"), Some((0, "ProfSvc, CscService", false)));
        assert_eq!(value("SYSTEM  SERVICE\u{a0}NAME X"), Some((0, "X", false)));
        assert_eq!(value("It is hard-coded. System service name: LSASS."), Some((18, "LSASS.", false)));
        assert_eq!(value("System Service Name"), Some((0, "", true)));
    }

    #[test]
    fn not_a_label() {
        assert_eq!(value("The system service name is not given here."), None);
        assert_eq!(value("Systemservice name: x"), None);
        assert_eq!(value(""), None);
    }
}
