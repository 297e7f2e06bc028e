//! reStructuredText inline markup reduced to its text: ``` ``literal`` ```, `*emphasis*`,
//! `**strong**`, `` `interpreted` ``, roles (`` :ref:`text <target>` ``), references
//! (`` `text <url>`_ ``, `word_`), substitutions (`|name|`, replaced by their definition where the
//! document gives one) and backslash escapes. Whether any markup was removed is said, for
//! normalization to ledger as it does Markdown's.

use std::collections::HashMap;

/// Substitution definitions (`.. |name| replace:: text`), by name.
pub type Substitutions = HashMap<String, String>;

/// Whether the character before a markup start lets it start (docutils' inline markup recognition
/// rules, simplified: start of text, white space or opening punctuation).
fn can_open(before: Option<char>) -> bool {
    before.is_none_or(|c| c.is_whitespace() || "-:/'\"<([{".contains(c))
}

/// The text of an interpreted or reference text: `text <target>` gives `text`, `<target>` alone gives
/// `target`; a leading `~` (Sphinx's short form) is dropped.
fn shown(inner: &str) -> String {
    let inner = inner.trim_start_matches('~');
    if let Some(open) = inner.rfind('<')
        && inner.ends_with('>')
    {
        let text = inner[..open].trim();
        return if text.is_empty() { inner[open + 1..inner.len() - 1].to_string() } else { text.to_string() };
    }
    inner.to_string()
}

/// Reduces `text` to what a reader sees; `true` where markup was removed.
pub fn reduce(text: &str, substitutions: &Substitutions) -> (String, bool) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut markup = false;
    let mut i = 0;
    let rest = |i: usize| chars[i..].iter().collect::<String>();
    while i < chars.len() {
        let c = chars[i];
        let before = i.checked_sub(1).map(|j| chars[j]);
        if c == '\\' {
            markup = true;
            if let Some(&next) = chars.get(i + 1) {
                out.push(next);
            }
            i += 2;
            continue;
        }
        let opens = can_open(before);
        // ``literal``
        if opens
            && c == '`'
            && chars.get(i + 1) == Some(&'`')
            && let Some(end) = rest(i + 2).find("``")
        {
            let inner: String = rest(i + 2).chars().take(rest(i + 2)[..end].chars().count()).collect();
            out.push_str(&inner);
            markup = true;
            i += 2 + inner.chars().count() + 2;
            continue;
        }
        // :role:`text`
        if opens && c == ':' {
            let tail = rest(i + 1);
            if let Some(colon) = tail.find(":`")
                && tail[..colon].chars().all(|c| c.is_alphanumeric() || "-_.+:".contains(c))
                && colon > 0
                && let Some(end) = tail[colon + 2..].find('`')
            {
                let inner = &tail[colon + 2..colon + 2 + end];
                out.push_str(&shown(inner));
                markup = true;
                i += 1 + tail[..colon + 2 + end + 1].chars().count();
                continue;
            }
        }
        // `interpreted`, `reference`_ and `anonymous`__
        if opens && c == '`' {
            let tail = rest(i + 1);
            if let Some(end) = tail.find('`')
                && end > 0
            {
                let inner = &tail[..end];
                out.push_str(&shown(inner));
                markup = true;
                let underscores = tail[end + 1..].chars().take_while(|&c| c == '_').count().min(2);
                i += 1 + inner.chars().count() + 1 + underscores;
                continue;
            }
        }
        // **strong** and *emphasis*
        if opens && c == '*' && chars.get(i + 1).is_some_and(|n| !n.is_whitespace()) {
            let marks = if chars.get(i + 1) == Some(&'*') { "**" } else { "*" };
            let tail = rest(i + marks.len());
            if let Some(end) = tail.find(marks)
                && end > 0
                && !tail[..end].ends_with(char::is_whitespace)
            {
                out.push_str(&tail[..end]);
                markup = true;
                i += marks.len() * 2 + tail[..end].chars().count();
                continue;
            }
        }
        // |substitution|
        if opens && c == '|' {
            let tail = rest(i + 1);
            if let Some(end) = tail.find('|')
                && end > 0
                && !tail.starts_with(char::is_whitespace)
                && !tail[..end].ends_with(char::is_whitespace)
            {
                let name = &tail[..end];
                out.push_str(substitutions.get(name).map_or(name, String::as_str));
                markup = true;
                let underscores = tail[end + 1..].chars().take_while(|&c| c == '_').count().min(2);
                i += 1 + name.chars().count() + 1 + underscores;
                continue;
            }
        }
        // word_ (a reference): the underscore goes
        if c == '_'
            && before.is_some_and(char::is_alphanumeric)
            && chars.get(i + 1).is_none_or(|n| n.is_whitespace() || ".,;:!?)".contains(*n))
        {
            markup = true;
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    (out, markup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_reduced_to_its_text() {
        let mut subs = Substitutions::new();
        subs.insert("mms".into(), "Ops Manager".into());
        let cases = [
            ("Block Storage (``cinder``)", "Block Storage (cinder)", true),
            ("*emphasis* and **strong**", "emphasis and strong", true),
            (":ref:`the guide <guide>` and :doc:`/x`", "the guide and /x", true),
            ("`Python <https://python.org>`_ docs", "Python docs", true),
            ("Linux kernel_ >= 4.19", "Linux kernel >= 4.19", true),
            ("|mms| agents and |other|", "Ops Manager agents and other", true),
            ("2 * 3 = 6, a|b, snake_case_name", "2 * 3 = 6, a|b, snake_case_name", false),
            ("port\\_80", "port_80", true),
        ];
        for (text, want, markup) in cases {
            assert_eq!(reduce(text, &subs), (want.to_string(), markup), "{text}");
        }
    }
}
