//! Template and site-generator lines in Markdown (and MDX) pages: kramdown attribute lines
//! (`{: caption="Table 1"}`), Liquid/Jinja tags (`{%- if x %}`, `{{ var }}` alone on a line), Hugo
//! shortcodes (`{{< note >}}`), Docusaurus admonitions (`:::note`), MDX `import`/`export` lines,
//! JSX component tags (`<Tabs>`, `<TabItem value="x">`) and MDX expression lines (`{/* comment */}`). None of them is the article's text, and
//! between two table rows one would end the table or stand as a short row. They are taken out
//! before the Markdown parser sees the page (outside fenced code), the text of a JSX element on its
//! own line kept; each kind is ledgered once, at its first line, with how many there were.

use crate::anomaly::{Anomaly, AnomalyKind};

/// The kinds of template line, as the ledger names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    KramdownAttributes,
    LiquidTag,
    LiquidOutput,
    HugoShortcode,
    Admonition,
    MdxModule,
    Jsx,
    MdxExpression,
}

impl Kind {
    fn words(self) -> &'static str {
        match self {
            Kind::KramdownAttributes => "kramdown attribute line",
            Kind::LiquidTag => "Liquid/Jinja tag line",
            Kind::LiquidOutput => "Liquid/Jinja output line",
            Kind::HugoShortcode => "Hugo shortcode line",
            Kind::Admonition => "Docusaurus admonition fence",
            Kind::MdxModule => "MDX import/export line",
            Kind::Jsx => "JSX element line",
            Kind::MdxExpression => "MDX expression line",
        }
    }
}

/// A page with its template lines taken out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stripped {
    /// The text the Markdown parser reads.
    pub text: String,
    /// For each line of `text` (0-based), its 1-based line in the page.
    pub lines: Vec<u32>,
    /// One entry per kind of template line found.
    pub anomalies: Vec<Anomaly>,
}

impl Stripped {
    /// The page's line of line `line` (1-based) of the stripped text; 0 stays 0.
    pub fn original_line(&self, line: u32) -> u32 {
        if line == 0 {
            return 0;
        }
        let index = line as usize - 1;
        self.lines.get(index).copied().unwrap_or_else(|| self.lines.last().map_or(line, |&last| last + 1))
    }
}

/// Whether `line` opens or closes a fenced code block (three or more backticks or tildes).
fn fence(line: &str) -> Option<(char, usize)> {
    let trimmed = line.trim_start();
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let mark = trimmed.chars().next().filter(|&c| c == '`' || c == '~')?;
    let count = trimmed.chars().take_while(|&c| c == mark).count();
    (count >= 3).then_some((mark, count))
}

/// The kind of a line that is all template markup, or `None` for the page's own text.
fn kind(line: &str) -> Option<Kind> {
    let t = line.trim();
    if t.starts_with("{:") && t.ends_with('}') {
        return Some(Kind::KramdownAttributes);
    }
    if (t.starts_with("{{<") && t.ends_with(">}}")) || (t.starts_with("{{%") && t.ends_with("%}}")) {
        return Some(Kind::HugoShortcode);
    }
    if (t.starts_with("{%") && t.ends_with("%}")) || (t.starts_with("{#") && t.ends_with("#}")) {
        return Some(Kind::LiquidTag);
    }
    if t.starts_with("{{") && t.ends_with("}}") && !t[2..t.len() - 2].contains("}}") {
        return Some(Kind::LiquidOutput);
    }
    if t.starts_with(":::") && t.trim_start_matches(':').chars().all(|c| c.is_alphanumeric() || " -_\"'{}=".contains(c))
    {
        return Some(Kind::Admonition);
    }
    None
}

/// Whether a line opens an MDX `import` or `export` statement.
fn module_line(line: &str) -> bool {
    let starts = |word: &str| line.strip_prefix(word).is_some_and(|rest| rest.starts_with([' ', '{', '*']));
    (starts("import") && (line.contains(" from ") || line.contains('\'') || line.contains('"') || line.ends_with('{')))
        || (starts("export")
            && ["const ", "default ", "function ", "let ", "{", "*"]
                .iter()
                .any(|w| line[6..].trim_start().starts_with(w)))
}

/// How far `{`, `(` and `[` stay open over `text`.
fn depth(text: &str) -> i64 {
    text.chars().map(|c| matches!(c, '{' | '(' | '[') as i64 - matches!(c, '}' | ')' | ']') as i64).sum()
}

/// How far `{` stays open over `text`.
fn braces(text: &str) -> i64 {
    text.chars().map(|c| (c == '{') as i64 - (c == '}') as i64).sum()
}

/// Whether a line is all MDX expressions (`{/* a comment */}`, `{props.x} {/* */}`), or opens one
/// that runs on to the next lines: MDX evaluates them as JavaScript, they are not the article's
/// text. A line is one when it starts with `{` and every character outside the groups of braces
/// is a space.
fn expression_line(line: &str) -> bool {
    let t = line.trim();
    if !t.starts_with('{') {
        return false;
    }
    let mut level = 0i64;
    for c in t.chars() {
        match c {
            '{' => level += 1,
            '}' => level -= 1,
            c if level == 0 && !c.is_whitespace() => return false,
            _ => {}
        }
        if level < 0 {
            return false;
        }
    }
    true
}

/// Whether a line starts with a JSX component tag (`<Tabs>`, `</TabItem>`, `<Admonition`).
fn jsx_start(line: &str) -> bool {
    let t = line.trim_start();
    let name = t.strip_prefix("</").or_else(|| t.strip_prefix('<'));
    name.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_uppercase()) || n.starts_with('>'))
}

/// A line with its JSX component tags taken out: the text between them.
fn without_jsx_tags(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let component = after.trim_start_matches('/').starts_with(|c: char| c.is_ascii_uppercase() || c == '>');
        out.push_str(&rest[..start]);
        if !component {
            out.push('<');
            rest = after;
            continue;
        }
        match after.find('>') {
            Some(end) => rest = &after[end + 1..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Takes the template lines out of a Markdown page.
pub fn strip_template_lines(source: &str) -> Stripped {
    let mut text = String::with_capacity(source.len());
    let mut lines = Vec::new();
    let mut found: Vec<(Kind, u32, String, usize)> = Vec::new();
    let mut note = |kind: Kind, line: u32, raw: &str| match found.iter_mut().find(|f| f.0 == kind) {
        Some(entry) => entry.3 += 1,
        None => found.push((kind, line, raw.trim().to_string(), 1)),
    };
    let mut code: Option<(char, usize)> = None;
    // An open statement or tag running over several lines: what closes it.
    let mut open: Option<(Kind, i64)> = None;
    let mut front_matter = source.starts_with("---\n") || source.starts_with("---\r\n");
    for (index, raw) in source.split_inclusive('\n').enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = raw.trim_end_matches(['\n', '\r']);
        let keep = |text: &mut String, lines: &mut Vec<u32>, content: &str| {
            text.push_str(content);
            lines.push(number);
        };
        if front_matter {
            keep(&mut text, &mut lines, raw);
            front_matter = !(index > 0 && (line == "---" || line == "..."));
            continue;
        }
        if let Some((kind, level)) = open {
            let level = match kind {
                Kind::Jsx => i64::from(!line.contains('>')),
                Kind::MdxExpression => level + braces(line),
                _ => level + depth(line),
            };
            open = (level > 0).then_some((kind, level));
            continue;
        }
        if let Some((mark, count)) = code {
            if fence(line).is_some_and(|(m, c)| m == mark && c >= count)
                && line.trim().trim_start_matches(mark).is_empty()
            {
                code = None;
            }
            keep(&mut text, &mut lines, raw);
            continue;
        }
        if let Some(opening) = fence(line) {
            code = Some(opening);
            keep(&mut text, &mut lines, raw);
            continue;
        }
        if let Some(kind) = kind(line) {
            note(kind, number, line);
            continue;
        }
        if module_line(line) {
            note(Kind::MdxModule, number, line);
            let level = depth(line);
            let unfinished_import = line.starts_with("import") && !line.contains(" from ") && !line.contains('\'');
            if level > 0 || unfinished_import {
                open = Some((Kind::MdxModule, level.max(1)));
            }
            continue;
        }
        if expression_line(line) {
            note(Kind::MdxExpression, number, line);
            let level = braces(line);
            if level > 0 {
                open = Some((Kind::MdxExpression, level));
            }
            continue;
        }
        if jsx_start(line) {
            note(Kind::Jsx, number, line);
            let rest = without_jsx_tags(line);
            let last_tag_open = line.rfind('<').is_some_and(|i| !line[i..].contains('>'));
            if last_tag_open {
                open = Some((Kind::Jsx, 1));
            } else if !rest.trim().is_empty() {
                keep(&mut text, &mut lines, &format!("{}\n", rest.trim()));
            }
            continue;
        }
        keep(&mut text, &mut lines, raw);
    }
    found.sort_by_key(|f| f.1);
    let anomalies = found
        .into_iter()
        .map(|(kind, line, raw, count)| {
            let more = if count > 1 { format!(" (and {} more like it)", count - 1) } else { String::new() };
            let message = format!(
                "A {}{more} is site-generator markup, not the article's text; skipped, the table around it read as one.",
                kind.words()
            );
            Anomaly::new(line, AnomalyKind::TemplateLine, raw, None, message)
        })
        .collect();
    Stripped { text, lines, anomalies }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_lines_are_taken_out_and_ledgered_once_per_kind() {
        let page = "import Tabs from '@theme/Tabs';\n\n# Ports\n\n<Tabs>\n<TabItem value=\"linux\">\n\n\
                    | Port | Protocol |\n|---|---|\n{% if a %}\n| 80 | TCP |\n{% endif %}\n{: caption=\"x\"}\n\
                    | 443 | TCP |\n{{< note >}}\n:::note\n\n```\n{% raw %}\n```\n</TabItem>\n</Tabs>\n";
        let stripped = strip_template_lines(page);
        assert_eq!(
            stripped.text,
            "\n# Ports\n\n\n| Port | Protocol |\n|---|---|\n| 80 | TCP |\n| 443 | TCP |\n\n```\n{% raw %}\n```\n"
        );
        assert_eq!(stripped.lines, [2, 3, 4, 7, 8, 9, 11, 14, 17, 18, 19, 20]);
        let kinds: Vec<(u32, &str)> = stripped.anomalies.iter().map(|a| (a.line, a.raw.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (1, "import Tabs from '@theme/Tabs';"),
                (5, "<Tabs>"),
                (10, "{% if a %}"),
                (13, "{: caption=\"x\"}"),
                (15, "{{< note >}}"),
                (16, ":::note")
            ]
        );
        assert!(stripped.anomalies[1].message.contains("and 3 more"), "{}", stripped.anomalies[1].message);
        assert_eq!(stripped.original_line(7), 11);
        assert_eq!(stripped.original_line(0), 0);
    }

    #[test]
    fn statements_and_tags_over_several_lines_are_taken_out_whole() {
        let page = "import {\n  A,\n  B,\n} from 'x'\nexport const meta = {\n  a: 1,\n}\n<Admonition\n  type=\"tip\"\n>\n\
                    Open port 80.\n</Admonition>\n<Note>Port 443 too.</Note>\nText <b>bold</b>\n";
        let stripped = strip_template_lines(page);
        assert_eq!(stripped.text, "Open port 80.\nPort 443 too.\nText <b>bold</b>\n");
        assert_eq!(stripped.lines, [11, 13, 14]);
    }

    #[test]
    fn mdx_expression_lines_and_comments_are_taken_out() {
        let page = "| Port | Use |\n|---|---|\n{/* | 22 | SSH | */}\n| 80 | HTTP |\n{/* a comment\n| 8080 | old |\n*/}\n\
                    {/* one */} {/* two */}\n{(<Next href=\"/x\">Next</Next>)}\n{a} b\n{x}{y} {z}\n";
        let stripped = strip_template_lines(page);
        assert_eq!(stripped.text, "| Port | Use |\n|---|---|\n| 80 | HTTP |\n{a} b\n");
        assert_eq!(stripped.lines, [1, 2, 4, 10]);
        assert_eq!(stripped.anomalies.len(), 1);
        assert_eq!(stripped.anomalies[0].line, 3);
        assert!(
            stripped.anomalies[0].message.contains("MDX expression line (and 4 more"),
            "{}",
            stripped.anomalies[0].message
        );
    }
}
