//! AsciiDoc inline text: attribute references (`{name}`) replaced by their value where the document
//! defines it (`:name: value`) or Asciidoctor predefines it (`{nbsp}`, `{vbar}`, ...), else kept as
//! written and noted; formatting marks (`*strong*`, `_emphasis_`, `` `monospace` ``, `+passthrough+`,
//! `#mark#`), links (`https://x[text]`, `link:x[text]`, `xref:x[text]`, `<<id,text>>`) and inline
//! macros (`kbd:[...]`, `pass:[...]`) reduced to their text. Whether markup was removed is said.

use std::collections::HashMap;

/// The document's attributes, by name.
pub type Attributes = HashMap<String, String>;

/// Attributes Asciidoctor defines for every document (character replacements).
fn predefined(name: &str) -> Option<&'static str> {
    Some(match name {
        "nbsp" => "\u{a0}",
        "sp" | "space" => " ",
        "empty" | "blank" | "zwsp" => "",
        "vbar" => "|",
        "plus" => "+",
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "startsb" => "[",
        "endsb" => "]",
        "caret" => "^",
        "asterisk" => "*",
        "tilde" => "~",
        "backslash" => "\\",
        "backtick" => "`",
        "apos" => "'",
        "quot" => "\"",
        "two-colons" => "::",
        "two-semicolons" => ";;",
        "deg" => "\u{b0}",
        "brvbar" => "\u{a6}",
        "ldquo" => "\u{201c}",
        "rdquo" => "\u{201d}",
        "lsquo" => "\u{2018}",
        "rsquo" => "\u{2019}",
        "cpp" => "C++",
        _ => return None,
    })
}

/// Replaces attribute references; the names of those left as written are added to `unresolved`.
pub fn substitute(text: &str, attributes: &Attributes, unresolved: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_end = after.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')).unwrap_or(after.len());
        let name = &after[..name_end];
        let escaped = out.ends_with('\\');
        if name.is_empty() || !after[name_end..].starts_with('}') || escaped {
            if escaped {
                out.pop();
            }
            out.push('{');
            rest = after;
            continue;
        }
        let lower = name.to_ascii_lowercase();
        match attributes.get(&lower).map(String::as_str).or_else(|| predefined(&lower)) {
            Some(value) => out.push_str(value),
            None => {
                out.push_str(&rest[open..open + name_end + 2]);
                if !unresolved.iter().any(|u| u == name) {
                    unresolved.push(name.to_string());
                }
            }
        }
        rest = &after[name_end + 1..];
    }
    out.push_str(rest);
    out
}

/// The text of a macro's `[...]` (its first positional attribute), or `fallback` where empty.
fn bracket_text(inner: &str, fallback: &str) -> String {
    let text = inner.split(",").next().unwrap_or_default().trim().trim_matches('"');
    if text.is_empty() { fallback.to_string() } else { text.to_string() }
}

/// Reduces formatting and links to their text; `true` where markup was removed.
pub fn reduce(text: &str) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut markup = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        // Cross references: <<id,text>> or <<id>>.
        if let Some(inner) = rest.strip_prefix("<<")
            && let Some(end) = inner.find(">>")
        {
            let target = &inner[..end];
            out.push_str(target.split_once(',').map_or(target, |(_, t)| t).trim());
            markup = true;
            rest = &inner[end + 2..];
            continue;
        }
        // Macros and URLs with a [text]: link:, xref:, kbd:, pass:, image:, https://...[text].
        let word_start = out.is_empty() || out.ends_with(|c: char| c.is_whitespace() || "([".contains(c));
        if word_start
            && let Some(bracket) = rest.find('[')
            && let Some(close) = rest[bracket..].find(']')
        {
            let head = &rest[..bracket];
            let is_macro = !head.contains(char::is_whitespace)
                && (head.contains("://") || head.starts_with("mailto:") || head.contains(':'))
                && head
                    .split(':')
                    .next()
                    .is_some_and(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
            if is_macro {
                let inner = &rest[bracket + 1..bracket + close];
                let fallback = head
                    .split_once(':')
                    .map_or(head, |(name, target)| if name == "link" || name == "xref" { target } else { head });
                let shown = if head.starts_with("image:") { String::new() } else { bracket_text(inner, fallback) };
                out.push_str(&shown);
                markup = true;
                rest = &rest[bracket + close + 1..];
                continue;
            }
        }
        // Constrained and unconstrained formatting marks.
        if "*_`+#".contains(c) {
            let double: String = [c, c].iter().collect();
            let single = c.to_string();
            let opens = out.is_empty() || out.ends_with(|p: char| !p.is_alphanumeric());
            for mark in [double.as_str(), single.as_str()] {
                let unconstrained = mark.len() == 2;
                if (!opens && !unconstrained) || !rest.starts_with(mark) {
                    continue;
                }
                let inner = &rest[mark.len()..];
                if inner.starts_with(char::is_whitespace) {
                    continue;
                }
                if let Some(end) = inner.find(mark)
                    && end > 0
                    && !inner[..end].ends_with(char::is_whitespace)
                    && (unconstrained || !inner[end + 1..].starts_with(char::is_alphanumeric))
                {
                    let (shown, _) =
                        if c == '+' || c == '`' { (inner[..end].to_string(), false) } else { reduce(&inner[..end]) };
                    out.push_str(&shown);
                    markup = true;
                    rest = &inner[end + mark.len()..];
                    break;
                }
            }
            if !rest.starts_with(c) {
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    (out, markup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_references_resolve_or_stay() {
        let mut attributes = Attributes::new();
        attributes.insert("brandname".into(), "Infinispan".into());
        let mut unresolved = Vec::new();
        let text =
            substitute("{brandname} on {k8s}, {nbsp}x, \\{brandname}, {not a ref}", &attributes, &mut unresolved);
        assert_eq!(text, "Infinispan on {k8s}, \u{a0}x, {brandname}, {not a ref}");
        assert_eq!(unresolved, ["k8s"]);
    }

    #[test]
    fn formatting_and_links_reduce_to_their_text() {
        let cases = [
            ("`9000`-`9999`", "9000-9999", true),
            ("*Admin* and _web_ console", "Admin and web console", true),
            ("see https://example.com/ports[the list] or <<ports,Ports>>", "see the list or Ports", true),
            ("xref:install.adoc[Installing] kbd:[Ctrl+C]", "Installing Ctrl+C", true),
            ("TCP/UDP 30000-32767, snake_case_name a*b", "TCP/UDP 30000-32767, snake_case_name a*b", false),
            ("**un**constrained", "unconstrained", true),
        ];
        for (text, want, markup) in cases {
            assert_eq!(reduce(text), (want.to_string(), markup), "{text}");
        }
    }
}
