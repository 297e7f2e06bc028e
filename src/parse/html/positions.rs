//! Source lines for the elements of an HTML page. scraper keeps no positions, so the page is parsed
//! through a tree sink that wraps scraper's own and notes, for every element it creates, the line
//! html5ever reports with each token (`set_current_line`). That is the line of the start tag's
//! closing `>`; a Word export often breaks long tags over lines, so the line is taken back to the
//! tag's `<` with a scan of the source's start tags (the k-th `<tr` whose `>` is on line L is the
//! k-th `tr` element created on line L).

use crate::error::Result;
use crate::stop::Stop;
use ego_tree::NodeId;
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use scraper::{Html, HtmlTreeSink};
use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};
use std::collections::{HashMap, VecDeque};

/// A parsed page and the 1-based source line where each element's start tag begins.
pub struct Positioned {
    /// The document tree.
    pub html: Html,
    /// Line of each element; elements the parser implied (no tag in the source) have the line of
    /// the token that implied them.
    pub lines: HashMap<NodeId, u32>,
}

/// Bytes handed to the parser between two looks at the stop request.
const CHUNK: usize = 64 * 1024;

/// Parses `source` (line breaks already `\n`) with html5ever into a scraper tree, with lines.
/// The source goes to the parser a piece at a time, asking `stop` before each.
pub fn parse(source: &str, stop: Stop) -> Result<Positioned> {
    let sink = LineSink {
        inner: HtmlTreeSink::new(Html::new_document()),
        line: Cell::new(1),
        starts: RefCell::new(TagStarts::scan(source)),
        lines: RefCell::new(HashMap::new()),
    };
    let mut parser = html5ever::parse_document(sink, Default::default());
    let mut rest = source;
    while !rest.is_empty() {
        stop.check()?;
        let mut cut = rest.len().min(CHUNK);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        parser.process(StrTendril::from_slice(&rest[..cut]));
        rest = &rest[cut..];
    }
    Ok(parser.finish())
}

/// The start tags of the source, by name: (line of `<`, line of `>`) in document order.
#[derive(Debug, Default)]
struct TagStarts {
    by_name: HashMap<String, VecDeque<(u32, u32)>>,
}

/// Elements whose content is raw text, in which `<` starts no tag.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "noembed", "noframes"];

impl TagStarts {
    fn scan(source: &str) -> TagStarts {
        let bytes = source.as_bytes();
        let mut starts = TagStarts::default();
        let (mut i, mut line) = (0usize, 1u32);
        // Advances to `end` (exclusive), counting line breaks on the way.
        let advance = |from: usize, to: usize, line: &mut u32| {
            *line = line.saturating_add(bytes[from..to].iter().filter(|&&b| b == b'\n').count() as u32);
            to
        };
        let find = |from: usize, needle: &[u8]| {
            bytes[from..].windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle)).map(|p| from + p)
        };
        while i < bytes.len() {
            if bytes[i] != b'<' {
                i = advance(i, i + 1, &mut line);
                continue;
            }
            if bytes[i..].starts_with(b"<!--") {
                let end = find(i + 4, b"-->").map_or(bytes.len(), |p| p + 3);
                i = advance(i, end, &mut line);
                continue;
            }
            if !bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
                i += 1;
                continue;
            }
            let start_line = line;
            let name_end = (i + 1..bytes.len())
                .find(|&j| !(bytes[j].is_ascii_alphanumeric() || bytes[j] == b':' || bytes[j] == b'-'))
                .unwrap_or(bytes.len());
            let name = source[i + 1..name_end].to_ascii_lowercase();
            // The tag runs to the first `>` outside an attribute value in quotes.
            let (mut j, mut quote, mut after_equals) = (name_end, None, false);
            while j < bytes.len() {
                let b = bytes[j];
                match quote {
                    Some(q) if b == q => quote = None,
                    Some(_) => {}
                    None if b == b'>' => break,
                    None if (b == b'"' || b == b'\'') && after_equals => quote = Some(b),
                    None => {}
                }
                if !b.is_ascii_whitespace() {
                    after_equals = quote.is_none() && b == b'=';
                }
                j += 1;
            }
            i = advance(i, j.min(bytes.len()), &mut line);
            starts.by_name.entry(name.clone()).or_default().push_back((start_line, line));
            if RAW_TEXT.contains(&name.as_str()) {
                let close = format!("</{name}");
                let end = find(i, close.as_bytes()).unwrap_or(bytes.len());
                i = advance(i, end, &mut line);
            }
        }
        starts
    }

    /// The line where the start tag of an element named `name`, whose `>` is on `line`, begins.
    fn start_of(&mut self, name: &str, line: u32) -> u32 {
        let Some(queue) = self.by_name.get_mut(name) else { return line };
        while let Some(&(start, end)) = queue.front() {
            if end < line {
                // A tag that made no element of its own (e.g. a second <body>): not this one.
                queue.pop_front();
            } else if end == line {
                queue.pop_front();
                return start;
            } else {
                break;
            }
        }
        line
    }
}

/// scraper's tree sink, noting the line of every element it creates.
struct LineSink {
    inner: HtmlTreeSink,
    line: Cell<u64>,
    starts: RefCell<TagStarts>,
    lines: RefCell<HashMap<NodeId, u32>>,
}

impl TreeSink for LineSink {
    type Handle = NodeId;
    type Output = Positioned;
    type ElemName<'a>
        = Ref<'a, QualName>
    where
        Self: 'a;

    fn finish(self) -> Positioned {
        Positioned { html: self.inner.finish(), lines: self.lines.into_inner() }
    }
    fn set_current_line(&self, line_number: u64) {
        self.line.set(line_number);
    }
    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        let local = name.local.to_string();
        let id = self.inner.create_element(name, attrs, flags);
        let at = u32::try_from(self.line.get()).unwrap_or(u32::MAX);
        let line = self.starts.borrow_mut().start_of(&local, at);
        self.lines.borrow_mut().insert(id, line);
        id
    }
    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg)
    }
    fn get_document(&self) -> NodeId {
        self.inner.get_document()
    }
    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Ref<'a, QualName> {
        self.inner.elem_name(target)
    }
    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.inner.create_comment(text)
    }
    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.inner.create_pi(target, data)
    }
    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        self.inner.append(parent, child)
    }
    fn append_based_on_parent_node(&self, element: &NodeId, prev_element: &NodeId, child: NodeOrText<NodeId>) {
        self.inner.append_based_on_parent_node(element, prev_element, child)
    }
    fn append_doctype_to_document(&self, name: StrTendril, public_id: StrTendril, system_id: StrTendril) {
        self.inner.append_doctype_to_document(name, public_id, system_id)
    }
    fn mark_script_already_started(&self, node: &NodeId) {
        self.inner.mark_script_already_started(node)
    }
    fn pop(&self, node: &NodeId) {
        self.inner.pop(node)
    }
    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.inner.get_template_contents(target)
    }
    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        self.inner.same_node(x, y)
    }
    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode)
    }
    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        self.inner.append_before_sibling(sibling, new_node)
    }
    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs)
    }
    fn associate_with_form(&self, target: &NodeId, form: &NodeId, nodes: (&NodeId, Option<&NodeId>)) {
        self.inner.associate_with_form(target, form, nodes)
    }
    fn remove_from_parent(&self, target: &NodeId) {
        self.inner.remove_from_parent(target)
    }
    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        self.inner.reparent_children(node, new_parent)
    }
    fn is_mathml_annotation_xml_integration_point(&self, handle: &NodeId) -> bool {
        self.inner.is_mathml_annotation_xml_integration_point(handle)
    }
    fn allow_declarative_shadow_roots(&self, intended_parent: &NodeId) -> bool {
        self.inner.allow_declarative_shadow_roots(intended_parent)
    }
    fn attach_declarative_shadow(&self, location: &NodeId, template: &NodeId, attrs: &[Attribute]) -> bool {
        self.inner.attach_declarative_shadow(location, template, attrs)
    }
    fn maybe_clone_an_option_into_selectedcontent(&self, option: &NodeId) {
        self.inner.maybe_clone_an_option_into_selectedcontent(option)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Selector;

    fn lines_of(source: &str, selector: &str) -> Vec<u32> {
        let page = parse(source, Stop::NEVER).unwrap();
        let selector = Selector::parse(selector).unwrap();
        page.html.select(&selector).map(|e| page.lines[&e.id()]).collect()
    }

    #[test]
    fn elements_know_the_line_their_start_tag_begins_on() {
        let page = "<html>\n<body>\n<table>\n<tr\n  style='a>b'>\n<td\n>x</td></tr>\n<tr><td>y</td></tr></table>";
        assert_eq!(lines_of(page, "tr"), [4, 8]);
        assert_eq!(lines_of(page, "td"), [6, 8]);
        assert_eq!(lines_of(page, "table"), [3]);
    }

    #[test]
    fn comments_and_scripts_hold_no_tags() {
        let page = "<p>a</p>\n<!-- <p>\n</p> -->\n<script>if (a<p) {}\n</script>\n<p\n>b</p>";
        assert_eq!(lines_of(page, "p"), [1, 6]);
    }

    #[test]
    fn implied_elements_take_the_line_of_what_implied_them() {
        // No <tr> in the source: the parser implies one for the cell on line 2.
        assert_eq!(lines_of("<table>\n<td>x</td>\n</table>", "tr"), [2]);
    }
}
