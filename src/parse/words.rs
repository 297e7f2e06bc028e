//! What a paragraph's or cell's words say about them, the same in every format: whether a
//! paragraph has the shape of a title, a note's alert marker, and how a superscript reads.

use super::label::system_service_label;

/// Whether a paragraph gives the system service name (`System Service Name X`, `System service
/// name: **X**`), at its start or inside it.
pub fn mentions_system_service_name(text: &str) -> bool {
    system_service_label(text.trim_start()).is_some()
}

/// Whether a paragraph looks like a title or caption: short, not a sentence, not a list item.
pub fn is_title_like(text: &str) -> bool {
    has_title_shape(text) && !mentions_system_service_name(text)
}

/// The form of a title, whatever the words: short, not ending as a sentence, not a list item, not
/// a remark in parentheses (`(Note 5)`).
pub fn has_title_shape(text: &str) -> bool {
    let t = text.trim();
    let Some(last) = t.chars().last() else { return false };
    let first = t.chars().next().unwrap_or(' ');
    let remark = first == '(' && last == ')';
    t.chars().count() <= 120
        && !remark
        && !matches!(last, '.' | ':' | ';' | ',' | '?' | '!')
        && !matches!(first, '●' | '•' | '·' | '▪' | '-' | '*' | '–' | '—')
        && t.chars().any(char::is_alphabetic)
}

/// A note's text without the alert marker that opens it (`[!NOTE]`, `[!IMPORTANT]`, ...); `None`
/// when nothing else is left.
pub fn without_alert_marker(text: &str) -> Option<&str> {
    let rest = text.trim_start();
    let rest = match rest.strip_prefix("[!").and_then(|r| r.split_once(']')) {
        Some((kind, after)) if !kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphabetic()) => after.trim(),
        _ => rest,
    };
    (!rest.is_empty()).then_some(rest)
}

/// The Unicode superscript form of an ASCII digit (how footnote marks are written in every format
/// once markup such as `<sup>2</sup>` is rendered); any other character is returned as it is.
pub fn superscript_digit(digit: char) -> char {
    match digit {
        '1' => '\u{b9}',
        '2' => '\u{b2}',
        '3' => '\u{b3}',
        d => d.to_digit(10).and_then(|n| char::from_u32(0x2070 + n)).unwrap_or(d),
    }
}

/// How a superscript's words read in running text: digits as superscript digits (a footnote mark,
/// `<sup>2</sup>`), other words as a remark in parentheses (`<sup>Note 2 Alternate port
/// available</sup>` after a port reads `(Note 2 Alternate port available)`).
pub fn superscript(words: &str) -> String {
    let t = words.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        String::new()
    } else if t.chars().all(|c| c.is_ascii_digit()) {
        t.chars().map(superscript_digit).collect()
    } else {
        format!(" ({t})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn superscripts_read_as_marks_or_remarks() {
        assert_eq!(superscript("2"), "\u{b2}");
        assert_eq!(superscript(" 12 "), "\u{b9}\u{b2}");
        assert_eq!(superscript("Note 2  Alternate port available"), " (Note 2 Alternate port available)");
        assert_eq!(superscript(" "), "");
    }

    #[test]
    fn alert_markers_and_titles() {
        assert_eq!(without_alert_marker("[!NOTE] Text"), Some("Text"));
        assert_eq!(without_alert_marker("[!TIP]"), None);
        assert!(is_title_like("DNS Server"));
        assert!(!is_title_like("The DNS Server service answers queries."));
        assert!(!is_title_like("(Note 5)"));
    }
}
