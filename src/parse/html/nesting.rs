//! A quick look at a page before the HTML parser builds the tree: how deep its elements nest, and
//! how many attributes its start tags have. Parsing deep nesting costs html5ever time in
//! proportion to the depth for every element (100,000 nested `<div>`s took a minute), and one
//! element's attributes time in proportion to their square (it looks for a repeated name among
//! those before each: 200,000 took 43 s); this scan is linear, so a page beyond either limit is
//! refused as soon as it is reached. It follows the main rules by which HTML closes elements
//! without an end tag (a `<li>` closes the list item before it, a block closes an open `<p>`), so
//! that it does not count deeper than the parser would: the renderer's own depth check stays the
//! exact one. A tag ends at the first `>` outside a quoted attribute value, as in the parser.

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    "basefont", "bgsound", "frame", "keygen", "image",
];
/// Elements whose content is raw text, in which `<` starts no tag.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "noembed", "noframes", "plaintext"];

/// Elements that a start tag of the same name closes, and the elements that stop the search
/// for one (a `<li>` in a nested list does not close the outer list's item).
fn closes_same(name: &str) -> Option<&'static [&'static str]> {
    match name {
        "li" => Some(&["ul", "ol", "table"]),
        "dt" | "dd" => Some(&["dl", "table"]),
        "td" | "th" | "tr" => Some(&["table"]),
        "option" | "optgroup" => Some(&["select"]),
        "p" => Some(&["button", "table", "td", "th", "caption"]),
        _ => None,
    }
}

/// Start tags that close an open `<p>` (HTML's "close a p element" blocks).
const CLOSE_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
];

/// What the scan found beyond a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beyond {
    /// Elements nested deeper than the depth limit.
    Depth,
    /// A start tag with more attributes than the attribute limit.
    Attributes,
}

/// The 1-based line where the page's elements first nest deeper than `limit`, if they do.
#[cfg(test)]
pub fn too_deep(source: &str, limit: usize) -> Option<u32> {
    scan(source, limit, usize::MAX).map(|(line, _)| line)
}

/// The 1-based line where the page first nests deeper than `max_depth`, or has a start tag of
/// more than `max_attributes` attributes, and which.
pub fn scan(source: &str, max_depth: usize, max_attributes: usize) -> Option<(u32, Beyond)> {
    let limit = max_depth;
    let bytes = source.as_bytes();
    let mut open: Vec<String> = Vec::new();
    let (mut i, mut line) = (0usize, 1u32);
    let skip_to = |from: usize, needle: &[u8]| {
        bytes[from..]
            .windows(needle.len())
            .position(|w| w.eq_ignore_ascii_case(needle))
            .map_or(bytes.len(), |p| from + p)
    };
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            line = line.saturating_add(1);
        }
        if b != b'<' {
            i += 1;
            continue;
        }
        let rest = &bytes[i + 1..];
        let (closing, name_at) = if rest.first() == Some(&b'/') { (true, i + 2) } else { (false, i + 1) };
        if rest.starts_with(b"!--") {
            let end = skip_to(i + 4, b"-->");
            line = line.saturating_add(newlines(&bytes[i..end]));
            i = end;
            continue;
        }
        if !bytes.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let name_end = (name_at..bytes.len())
            .find(|&j| !(bytes[j].is_ascii_alphanumeric() || bytes[j] == b':' || bytes[j] == b'-'))
            .unwrap_or(bytes.len());
        let name = source[name_at..name_end].to_ascii_lowercase();
        let tag = start_tag(bytes, name_end);
        let tag_end = tag.end;
        if tag.attributes > max_attributes {
            return Some((line, Beyond::Attributes));
        }
        let self_closing = tag_end > name_end && bytes[tag_end - 1] == b'/';
        line = line.saturating_add(newlines(&bytes[i..tag_end]));
        i = tag_end;
        if closing {
            // An end tag closes the nearest open element of its name, and all inside it.
            if let Some(at) = open.iter().rposition(|n| *n == name) {
                open.truncate(at);
            }
            continue;
        }
        if VOID.contains(&name.as_str()) || self_closing {
            continue;
        }
        if CLOSE_P.contains(&name.as_str())
            && let Some(at) = nearest(&open, "p", closes_same("p").unwrap_or_default())
        {
            open.truncate(at);
        }
        if let Some(stops) = closes_same(&name)
            && let Some(at) = nearest(&open, &name, stops)
        {
            open.truncate(at);
        }
        if RAW_TEXT.contains(&name.as_str()) {
            let end = skip_to(i, format!("</{name}").as_bytes());
            line = line.saturating_add(newlines(&bytes[i..end]));
            i = end;
            continue;
        }
        open.push(name);
        if open.len() > limit {
            return Some((line, Beyond::Depth));
        }
    }
    None
}

/// Where a start tag ends (its `>`, or the end of the page) and how many attributes it has.
struct StartTag {
    end: usize,
    attributes: usize,
}

/// Reads a start tag from just after its name, as HTML's tokenizer does: attribute names, `=`,
/// values unquoted or in quotes (which may hold `>`).
fn start_tag(bytes: &[u8], from: usize) -> StartTag {
    #[derive(Clone, Copy)]
    enum At {
        BeforeName,
        Name,
        AfterName,
        BeforeValue,
        Unquoted,
        Quoted(u8),
    }
    let (mut at, mut attributes) = (At::BeforeName, 0usize);
    for (j, &b) in bytes.iter().enumerate().skip(from) {
        let space = b.is_ascii_whitespace();
        at = match at {
            At::Quoted(q) if b == q => At::BeforeName,
            At::Quoted(q) => At::Quoted(q),
            _ if b == b'>' => return StartTag { end: j, attributes },
            At::BeforeName if space || b == b'/' => At::BeforeName,
            At::AfterName if space => At::AfterName,
            At::AfterName if b == b'/' => At::BeforeName,
            At::AfterName if b == b'=' => At::BeforeValue,
            At::BeforeName | At::AfterName => {
                attributes += 1;
                At::Name
            }
            At::Name if space => At::AfterName,
            At::Name if b == b'/' => At::BeforeName,
            At::Name if b == b'=' => At::BeforeValue,
            At::Name => At::Name,
            At::BeforeValue if space => At::BeforeValue,
            At::BeforeValue if b == b'"' || b == b'\'' => At::Quoted(b),
            At::BeforeValue | At::Unquoted if !space => At::Unquoted,
            At::BeforeValue | At::Unquoted => At::BeforeName,
        };
    }
    StartTag { end: bytes.len(), attributes }
}

/// Where the nearest open `name` is, unless one of `stops` is open inside it.
fn nearest(open: &[String], name: &str, stops: &[&str]) -> Option<usize> {
    for (at, n) in open.iter().enumerate().rev() {
        if n == name {
            return Some(at);
        }
        if stops.contains(&n.as_str()) {
            return None;
        }
    }
    None
}

fn newlines(bytes: &[u8]) -> u32 {
    u32::try_from(bytes.iter().filter(|&&b| b == b'\n').count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_found_at_its_line() {
        let deep = format!("<html><body>\n{}x", "<div>\n".repeat(100_000));
        assert_eq!(too_deep(&deep, 256), Some(256));
        assert_eq!(too_deep(&"<span>".repeat(1_000_000), 256), Some(1));
    }

    #[test]
    fn attributes_are_counted_as_the_parser_reads_them() {
        let count = |tag: &str| start_tag(tag.as_bytes(), 0).attributes;
        assert_eq!(count(" a b=1 c = '2>' d=\"x y\" e/>"), 5);
        assert_eq!(count(">"), 0);
        assert_eq!(count(" class=MsoNormal style='font-size:10pt'>"), 2);
        let many = format!("<html><body>\n<p {}>x</p>", "a ".repeat(5000));
        assert_eq!(scan(&many, 256, 100), Some((2, Beyond::Attributes)));
        assert_eq!(scan(&many, 256, 5000), None);
        // A quoted `>` hides no attributes.
        let hidden = format!("<p a=\">\" {}>", "b ".repeat(200));
        assert_eq!(scan(&hidden, 256, 100), Some((1, Beyond::Attributes)));
    }

    #[test]
    fn elements_closed_without_end_tags_do_not_count() {
        let word = "<p>a<p>b<ul><li>x<li>y<li><ul><li>z</ul></ul><table><tr><td>1<td>2<tr><td>3</table>";
        let page = format!("<html><body>{}</body></html>", word.repeat(10_000));
        assert_eq!(too_deep(&page, 32), None);
        let lists = "<ul><li>".repeat(100);
        assert!(too_deep(&lists, 150).is_some(), "nested lists nest");
        assert_eq!(too_deep("<p><br><img src=x><br/><script>if (a<b) {}</script><!-- <div> --></p>", 2), None);
    }
}
