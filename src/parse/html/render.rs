//! Renders an element's content to plain text: white space as in a browser (runs collapse later),
//! `<br>` and block boundaries as line breaks, `<sup>` as [`crate::parse::words::superscript`] reads it, and every
//! other tag dropped. Notes whether inline markup (bold, italics, code, links, ...) was removed.

use ego_tree::NodeRef;
use scraper::{ElementRef, Node};

/// How deep elements may nest before a page is refused: deeper than any real page, shallow enough
/// that walking it cannot exhaust the stack.
pub const MAX_DEPTH: usize = 256;

/// Elements whose content is not the page's text.
pub const SKIPPED: &[&str] = &[
    "head", "script", "style", "noscript", "template", "title", "meta", "link", "iframe", "object", "embed", "svg",
    "math", "select", "button", "textarea", "input", "canvas", "audio", "video", "map",
];

/// Elements that end a line of text: what comes after them starts a new one.
pub const BLOCKS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "caption",
    "tr",
    "td",
    "th",
    "thead",
    "tbody",
    "tfoot",
    "blockquote",
    "pre",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "nav",
    "center",
    "form",
    "fieldset",
    "figure",
    "figcaption",
    "address",
    "hr",
    "body",
    "html",
];

/// Inline elements whose removal changes how the words read (bold, code, links, ...).
const MARKUP: &[&str] = &[
    "b", "strong", "i", "em", "code", "tt", "kbd", "samp", "var", "sup", "sub", "u", "s", "strike", "del", "ins",
    "mark", "big", "small", "cite", "q", "abbr", "a",
];

/// Text rendered from an element.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The words; `\n` between lines (`<br>`, paragraphs in a cell).
    pub text: String,
    /// Whether inline markup was removed.
    pub markup: bool,
}

/// The element was nested deeper than [`MAX_DEPTH`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep;

/// Renders what is inside `element`. `bold_is_structure` says bold marks the element itself (a
/// title in a bold paragraph), so removing it is no markup to ledger.
pub fn render(element: ElementRef<'_>, bold_is_structure: bool, depth: usize) -> Result<Rendered, TooDeep> {
    let mut out = Rendered::default();
    for child in element.children() {
        node(child, bold_is_structure, false, depth + 1, &mut out)?;
    }
    Ok(out)
}

/// Renders one node into `out`; `superscript` is set inside `<sup>`.
pub fn node(
    node: NodeRef<'_, Node>,
    bold_is_structure: bool,
    superscript: bool,
    depth: usize,
    out: &mut Rendered,
) -> Result<(), TooDeep> {
    if depth > MAX_DEPTH {
        return Err(TooDeep);
    }
    let Some(element) = ElementRef::wrap(node) else {
        if let Node::Text(text) = node.value() {
            push_text(out, text);
        }
        return Ok(());
    };
    let name = element.value().name();
    if SKIPPED.contains(&name) {
        return Ok(());
    }
    if name == "br" {
        out.text.push('\n');
        return Ok(());
    }
    let bold = matches!(name, "b" | "strong");
    let has_words = || element.text().any(|t| !t.trim().is_empty());
    if MARKUP.contains(&name) && !(bold && bold_is_structure) && (name != "a" || element.attr("href").is_some()) {
        out.markup |= has_words();
    }
    let block = BLOCKS.contains(&name);
    if block {
        out.text.push('\n');
    }
    if name == "sup" && !superscript {
        let mut inner = Rendered::default();
        for child in element.children() {
            self::node(child, bold_is_structure, true, depth + 1, &mut inner)?;
        }
        out.markup |= inner.markup;
        out.text.push_str(&crate::parse::words::superscript(&inner.text));
        return Ok(());
    }
    for child in element.children() {
        self::node(child, bold_is_structure, superscript, depth + 1, out)?;
    }
    if block {
        out.text.push('\n');
    }
    Ok(())
}

fn push_text(out: &mut Rendered, text: &str) {
    // Line breaks in the source are white space in HTML; `\n` is kept for real line breaks.
    out.text.extend(text.chars().map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c }));
}

/// The lines of rendered text, each with its white space collapsed, empty ones dropped.
pub fn lines(text: &str) -> Vec<String> {
    text.split('\n').map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|l| !l.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::{Html, Selector};

    fn rendered(fragment: &str, bold_is_structure: bool) -> (Vec<String>, bool) {
        let html = Html::parse_fragment(fragment);
        let td = html.select(&Selector::parse("td, p").unwrap()).next().unwrap();
        let r = render(td, bold_is_structure, 0).unwrap();
        (lines(&r.text), r.markup)
    }

    #[test]
    fn word_cells_and_breaks() {
        let cell = "<table><tr><td valign=top>\n<p class=MsoNormal><span\nstyle='font-size:10pt'>1024 -\n5000<o:p></o:p></span></p>\
                    <p class=MsoNormal>49152&nbsp;-&nbsp;65535<sup>2</sup></p></td></tr></table>";
        assert_eq!(rendered(cell, false), (vec!["1024 - 5000".into(), "49152 - 65535\u{b2}".into()], true));
        assert_eq!(
            rendered("<table><tr><td>445<br>139</td></tr></table>", false),
            (vec!["445".into(), "139".into()], false)
        );
    }

    #[test]
    fn markup_is_noticed_unless_bold_is_the_title() {
        assert_eq!(rendered("<p><b>DNS Server</b></p>", true), (vec!["DNS Server".into()], false));
        assert!(rendered("<p><b>DNS Server</b></p>", false).1);
        assert!(rendered("<p><code>Dfs</code></p>", true).1);
        assert_eq!(rendered("<p><a name=x></a>Server</p>", false), (vec!["Server".into()], false));
        assert!(rendered("<p><a href=x>Server</a></p>", false).1);
        assert_eq!(rendered("<p>a<script>var x;</script>b</p>", false).0, ["ab"]);
    }

    #[test]
    fn nesting_too_deep_is_refused() {
        let deep = format!("<p>{}x", "<span>".repeat(MAX_DEPTH + 5));
        let html = Html::parse_fragment(&deep);
        let p = html.select(&Selector::parse("p").unwrap()).next().unwrap();
        assert_eq!(render(p, false, 0), Err(TooDeep));
    }
}
