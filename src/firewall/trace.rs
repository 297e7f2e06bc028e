//! The words every rule carries so that an auditor can trace it to its requirement: the service,
//! the source document and the source line(s); and the one cleaning every language needs first,
//! one line of text without control characters.

use super::merge::FirewallRule;

/// `text` on one line: every control character (line breaks, tabs, escape, C1 controls) and the
/// Unicode line and paragraph separators become a space, so that no document text can end a
/// comment line or start a new command.
pub fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') { ' ' } else { c }).collect()
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

/// What a rule allows, for people: `DNS Server (DNS) TCP`.
pub fn label(rule: &FirewallRule) -> String {
    let name = rule.system_service_name.as_ref().map(|n| format!(" ({n})")).unwrap_or_default();
    one_line(&format!("{}{name} {}", rule.service, rule.protocol.name()))
}

/// Where the requirement is: `DNS Server (DNS) TCP: raw/ports.txt lines 162, 165`, with the lines
/// whose transport was assumed (`--assume-transport`) said so.
pub fn trace(rule: &FirewallRule, lines: &[u32]) -> String {
    let word = if lines.len() == 1 { "line" } else { "lines" };
    let list: Vec<String> = lines.iter().map(u32::to_string).collect();
    let assumed: Vec<String> = rule.assumed.iter().filter(|l| lines.contains(l)).map(u32::to_string).collect();
    let assumed = match assumed.as_slice() {
        [] => String::new(),
        _ => format!(" (transport assumed: {})", assumed.join(", ")),
    };
    one_line(&format!("{}: {} {word} {}{assumed}", label(rule), rule.source, list.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_removes_every_line_break_and_control_character() {
        assert_eq!(one_line("a\nb\r\nc\td\u{1b}[31m\u{85}e\u{2028}f\u{7f}"), "a b  c d [31m e f ");
    }

    #[test]
    fn truncate_cuts_on_a_character_boundary() {
        assert_eq!(truncate("abcdef", 6), "abcdef");
        assert_eq!(truncate("abcdefg", 6), "abc...");
        let cut = truncate("ééééé", 8);
        assert_eq!(cut, "éé...");
        assert!(cut.len() <= 8);
    }
}
