//! The words every rule carries so that an auditor can trace it to its requirement: the service,
//! the source document and the source line(s), and what kbingest chose for it; and the one cleaning
//! every language needs first, one line of text in which nothing from a document can hide.

use super::merge::{At, FirewallRule};

/// `text` on one line, every character shown as it is: line breaks and tabs become a space, and
/// every other control character (escape, C1 controls) and every invisible character that
/// reorders or hides text (bidi overrides and isolates such as U+202E, zero-width characters, the
/// line and paragraph separators) becomes `<U+XXXX>`, so that no document text can end a comment
/// line, start a new command, or show a reader something other than what is there.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() || hides(c) => out.push_str(&format!("<U+{:04X}>", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// The format characters that change how text around them is shown: bidi marks, embeddings,
/// overrides and isolates, zero-width characters, separators, the byte-order mark.
fn hides(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary,
/// ending in `...` when something was cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max.saturating_sub(3);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// What a rule allows, for people: `DNS Server (DNS) TCP`, `File Replication (NtFrs) TCP dynamic`.
pub fn label(rule: &FirewallRule) -> String {
    let name = rule.system_service_name.as_ref().map(|n| format!(" ({n})")).unwrap_or_default();
    let dynamic = if rule.dynamic { " dynamic" } else { "" };
    one_line(&format!("{}{name} {}{dynamic}", rule.service, rule.protocol.name()))
}

/// Places as people read them: `raw/ports.txt lines 162, 165; kb.md line 519`.
pub fn places(places: &[At]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < places.len() {
        let source = &places[i].source;
        let lines: Vec<String> =
            places[i..].iter().take_while(|a| &a.source == source).map(|a| a.line.to_string()).collect();
        i += lines.len();
        let word = if lines.len() == 1 { "line" } else { "lines" };
        parts.push(format!("{source} {word} {}", lines.join(", ")));
    }
    one_line(&parts.join("; "))
}

/// Where the requirement is and what was chosen for it: `DNS Server (DNS) TCP: raw/ports.txt
/// lines 162, 165`, then the lines whose transport was assumed and the rule's remarks, each
/// remark with its lines where it is about only some of the rule's.
pub fn trace(rule: &FirewallRule) -> String {
    let mut text = format!("{}: {}", label(rule), places(&rule.places));
    if !rule.assumed.is_empty() {
        let lines = lines_only(&rule.assumed, &rule.places);
        let lines = lines.strip_prefix("lines ").or(lines.strip_prefix("line ")).unwrap_or(&lines);
        text.push_str(&format!(" (transport assumed: {lines})"));
    }
    for (remark, about) in &rule.remarks {
        text.push_str("; ");
        text.push_str(remark);
        if about.len() < rule.places.len() {
            text.push_str(&format!(" ({})", lines_only(about, &rule.places)));
        }
    }
    one_line(&text)
}

/// `1027, 1030` where every place is in one source, else the places in full.
fn lines_only(some: &[At], all: &[At]) -> String {
    if all.iter().all(|a| a.source == all[0].source) {
        let mut lines: Vec<u32> = some.iter().map(|a| a.line).collect();
        lines.sort_unstable();
        let word = if lines.len() == 1 { "line" } else { "lines" };
        format!("{word} {}", lines.iter().map(u32::to_string).collect::<Vec<_>>().join(", "))
    } else {
        let mut some = some.to_vec();
        some.sort_unstable();
        places(&some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_shows_every_control_and_hiding_character() {
        assert_eq!(
            one_line("a\nb\r\nc\td\u{1b}[31m\u{85}e\u{2028}f\u{7f}"),
            "a b  c d<U+001B>[31m<U+0085>e<U+2028>f<U+007F>"
        );
        assert_eq!(one_line("evil\u{202E}txt.exe\u{2066}x\u{200B}"), "evil<U+202E>txt.exe<U+2066>x<U+200B>");
        assert_eq!(one_line("Café — ok"), "Café — ok");
    }

    #[test]
    fn truncate_cuts_on_a_character_boundary() {
        assert_eq!(truncate("abcdef", 6), "abcdef");
        assert_eq!(truncate("abcdefg", 6), "abc...");
        let cut = truncate("ééééé", 8);
        assert_eq!(cut, "éé...");
        assert!(cut.len() <= 8);
    }

    #[test]
    fn places_group_lines_by_source() {
        let at = |s: &str, l: u32| At { source: s.into(), line: l };
        assert_eq!(places(&[at("a.txt", 3)]), "a.txt line 3");
        assert_eq!(places(&[at("a.txt", 3), at("a.txt", 9), at("b.md", 1)]), "a.txt lines 3, 9; b.md line 1");
    }
}
