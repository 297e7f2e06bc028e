//! The reader for saved web pages, clean or exported from Word or FrontPage, by scraper (html5ever).
//!
//! A page reduces to the same [`Block`]s as the text article: headings (`h1`-`h6`, and paragraphs
//! whose words are all bold), paragraphs and list items, captions (`<caption>`, Word's
//! `MsoCaption` paragraphs, a one-cell first row), notes (block quotes that open with `[!NOTE]` or
//! are classed as notes) and tables. A table holding other tables is layout (its cells are read as
//! page text) unless its own first row names a port column. Any other table's first row is its header; whether it is a port table is decided
//! later, from that header, as for every format. Lines are the source lines where elements start.

mod nesting;
mod positions;
pub mod render;
pub(crate) mod spans;

use super::limits::thousands;
use super::words::{is_title_like, without_alert_marker};
use super::{Block, Located, PageLimits, Table};
use crate::error::{Error, Result};
use crate::stop::Stop;
use ego_tree::NodeId;
use nesting::Beyond;
use render::{BLOCKS, MAX_DEPTH, Rendered, SKIPPED, TooDeep, lines, render};
use scraper::{ElementRef, Node};
use spans::{Budget, Overflow, WrittenCell};
use std::collections::HashMap;

/// The level given to a title that is a bold paragraph: below the `h1`-`h4` document structure.
pub const BOLD_TITLE_LEVEL: u8 = 5;

/// Reads a page into blocks, within the default limits. `path` names the page in an error.
pub fn html_blocks(source: &str, path: &str) -> Result<Vec<Block>> {
    html_blocks_within(source, path, &PageLimits::default(), Stop::NEVER)
}

/// Why a page was not read.
#[derive(Debug)]
pub enum Halt {
    /// Its elements nest deeper than [`MAX_DEPTH`].
    TooDeep,
    /// It goes beyond a limit, or a stop was asked for.
    Refused(Error),
}

impl From<TooDeep> for Halt {
    fn from(_: TooDeep) -> Halt {
        Halt::TooDeep
    }
}

impl From<Error> for Halt {
    fn from(e: Error) -> Halt {
        Halt::Refused(e)
    }
}

const HINT: &str = "this does not look like a knowledge-base page; check the file";

/// Reads a page into blocks within `limits`, asking `stop` while it parses and lays out.
pub fn html_blocks_within(source: &str, path: &str, limits: &PageLimits, stop: Stop) -> Result<Vec<Block>> {
    read_page(source, path, limits, stop).map_err(|halt| match halt {
        Halt::TooDeep => Error::input(path, format!("elements are nested more than {MAX_DEPTH} deep"), HINT),
        Halt::Refused(e) => e,
    })
}

/// As [`html_blocks_within`], telling a page nested too deep from other refusals.
pub fn read_page(source: &str, path: &str, limits: &PageLimits, stop: Stop) -> Result<Vec<Block>, Halt> {
    // Refused before parsing, which would take time in proportion to the depth for every element
    // and to the square of the attributes for every element.
    match nesting::scan(source, MAX_DEPTH, limits.attributes) {
        Some((line, Beyond::Depth)) => {
            let problem = format!("elements are nested more than {MAX_DEPTH} deep");
            return Err(Halt::Refused(Error::input_at(path, line, problem, HINT)));
        }
        Some((line, Beyond::Attributes)) => {
            return Err(Halt::Refused(Error::input_at(
                path,
                line,
                format!("an element has more than {} attributes, the limit", thousands(limits.attributes as u64)),
                "if the page is one you trust, raise the limit with --max-attributes",
            )));
        }
        None => {}
    }
    let page = positions::parse(source, stop)?;
    let budget = Budget::for_page(limits);
    let mut reader = Reader { lines: &page.lines, blocks: Vec::new(), items: 0, notes: 0, path, budget, stop };
    let root = page.html.root_element();
    reader.container(root, 0)?;
    // A page whose body has no heading at all is titled by its `<title>`: the first paragraph, so
    // that the section finder weighs it like any title line.
    if !reader.blocks.iter().any(|b| matches!(b, Block::Heading { .. }))
        && let Ok(selector) = scraper::Selector::parse("head > title")
        && let Some(title) = page.html.select(&selector).next()
    {
        let text = lines(&title.text().collect::<String>()).join(" ");
        if !text.is_empty() {
            reader.blocks.insert(0, Block::Paragraph(Located::new(reader.line(title), text)));
        }
    }
    Ok(reader.blocks)
}

/// Inline content gathered between blocks: bare text in a `div` or `td`, runs of `span`s.
#[derive(Default)]
struct Run {
    rendered: Rendered,
    source: String,
    line: Option<u32>,
}

struct Reader<'a> {
    lines: &'a HashMap<NodeId, u32>,
    blocks: Vec<Block>,
    /// Depth of list items: their text reads as bullet lines, never as titles.
    items: usize,
    /// Depth of notes: their text is [`Block::Note`]s.
    notes: usize,
    path: &'a str,
    /// What spans may still add to the page.
    budget: Budget,
    stop: Stop,
}

impl Reader<'_> {
    fn line(&self, element: ElementRef<'_>) -> u32 {
        self.lines.get(&element.id()).copied().unwrap_or(1)
    }

    /// Emits the lines of a paragraph-like element (split where it has `<br>`s).
    fn paragraph(&mut self, line: u32, rendered: &Rendered, source: impl Fn() -> String) {
        for mut text in lines(&rendered.text) {
            if self.items > 0 {
                text.insert_str(0, "\u{2022} ");
            }
            let located =
                if rendered.markup { Located::with_markup(line, text, source()) } else { Located::new(line, text) };
            if self.notes == 0 {
                self.blocks.push(Block::Paragraph(located));
            } else if let Some(note) = without_alert_marker(&located.text) {
                self.blocks.push(Block::Note(Located { text: note.to_string(), ..located }));
            }
        }
    }

    fn flush(&mut self, run: &mut Run, fallback: u32) {
        let run = std::mem::take(run);
        let line = run.line.unwrap_or(fallback);
        self.paragraph(line, &run.rendered, || run.source.trim().to_string());
    }

    /// Reads the children of a container element: inline runs become paragraphs, block children
    /// are read in turn.
    fn container(&mut self, element: ElementRef<'_>, depth: usize) -> Result<(), Halt> {
        if depth > MAX_DEPTH {
            return Err(Halt::TooDeep);
        }
        let own_line = self.line(element);
        let mut run = Run::default();
        for child in element.children() {
            let Some(child_element) = ElementRef::wrap(child) else {
                if let Node::Text(text) = child.value() {
                    render::node(child, false, false, depth + 1, &mut run.rendered)?;
                    run.source.push_str(text);
                }
                continue;
            };
            let name = child_element.value().name();
            if SKIPPED.contains(&name) {
                continue;
            }
            if name == "br" {
                self.flush(&mut run, own_line);
            } else if BLOCKS.contains(&name) {
                self.flush(&mut run, own_line);
                self.block(child_element, depth + 1)?;
            } else {
                run.line.get_or_insert(self.line(child_element));
                render::node(child, false, false, depth + 1, &mut run.rendered)?;
                run.source.push_str(&child_element.html());
            }
        }
        self.flush(&mut run, own_line);
        Ok(())
    }

    fn block(&mut self, element: ElementRef<'_>, depth: usize) -> Result<(), Halt> {
        self.stop.check()?;
        let name = element.value().name();
        let line = self.line(element);
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" if self.notes == 0 && self.items == 0 => {
                let rendered = render(element, false, depth)?;
                let text = lines(&rendered.text).join(" ");
                if !text.is_empty() {
                    let level = name[1..].parse().unwrap_or(BOLD_TITLE_LEVEL);
                    let text = located(line, text, &rendered, element);
                    self.blocks.push(Block::Heading { level, text });
                }
            }
            "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "dt" | "dd" | "pre" | "address" | "figcaption"
                if !has_block_child(element) =>
            {
                self.text_block(element, depth)?;
            }
            "caption" => {
                let rendered = render(element, false, depth)?;
                let text = lines(&rendered.text).join(" ");
                if !text.is_empty() {
                    self.blocks.push(Block::Caption(located(line, text, &rendered, element)));
                }
            }
            "table"
                if !element.descendants().skip(1).any(|n| is_named(n, "table"))
                    || self.names_ports(element, depth)? =>
            {
                self.table(element, depth)?
            }
            "li" => {
                self.items += 1;
                let read = self.container(element, depth);
                self.items -= 1;
                read?;
            }
            "blockquote" if is_note(element) => {
                self.notes += 1;
                let read = self.container(element, depth);
                self.notes -= 1;
                read?;
            }
            "hr" => {}
            _ => self.container(element, depth)?,
        }
        Ok(())
    }

    /// A paragraph: a caption, a title in bold, or text.
    fn text_block(&mut self, element: ElementRef<'_>, depth: usize) -> Result<(), Halt> {
        let line = self.line(element);
        let caption = element.value().classes().any(|c| c.eq_ignore_ascii_case("MsoCaption"));
        if caption || (all_bold(element) && self.items == 0 && self.notes == 0) {
            let rendered = render(element, !caption, depth)?;
            let text = lines(&rendered.text).join(" ");
            if text.is_empty() {
                return Ok(());
            }
            let text_at = located(line, text.clone(), &rendered, element);
            if caption {
                self.blocks.push(Block::Caption(text_at));
                return Ok(());
            }
            if is_title_like(&text) {
                self.blocks.push(Block::Heading { level: BOLD_TITLE_LEVEL, text: text_at });
                return Ok(());
            }
        }
        let rendered = render(element, false, depth)?;
        self.paragraph(line, &rendered, || element.inner_html().trim().to_string());
        Ok(())
    }

    /// A table without tables inside: its first row is the header; one-cell rows before it are
    /// captions (a title row spanning the table); spanned cells stand in every row and column they
    /// span.
    fn table(&mut self, element: ElementRef<'_>, depth: usize) -> Result<(), Halt> {
        let mut written: Vec<(u32, Vec<WrittenCell>)> = Vec::new();
        for child in own(element) {
            match child.value().name() {
                "caption" => self.block(child, depth + 1)?,
                "tr" => written.push((self.line(child), self.cells(child, depth + 1)?)),
                _ => {}
            }
        }
        while written.len() > 1 && written[0].1.len() == 1 {
            let (_, cells) = written.remove(0);
            let text = cells.into_iter().next().map(|c| Located { text: c.cell.text.replace('\n', " "), ..c.cell });
            self.blocks.extend(text.filter(|c| !c.text.is_empty()).map(Block::Caption));
        }
        let table_line = written.first().map_or_else(|| self.line(element), |(line, _)| *line);
        let mut rows = match spans::lay_out(written, &mut self.budget, self.stop)? {
            Ok(rows) => rows,
            Err(overflow) => return Err(Halt::Refused(self.too_large(table_line, overflow))),
        };
        if rows.is_empty() {
            return Ok(());
        }
        let header = rows.remove(0);
        let header_line = header.line;
        let header = header.cells.into_iter().map(|c| c.text.replace('\n', " ")).collect();
        self.blocks.push(Block::Table(Table::new(header_line, header, rows)));
        Ok(())
    }

    /// The refusal of a table whose spans go beyond the budget.
    fn too_large(&self, line: u32, overflow: Overflow) -> Error {
        self.budget.refusal(self.path, line, overflow)
    }

    /// Whether a table's own first row names a port column: then it is a port table even with
    /// tables inside its cells (read as their text), not page layout.
    fn names_ports(&self, table: ElementRef<'_>, depth: usize) -> Result<bool, Halt> {
        let Some(first) = own(table).find(|e| e.value().name() == "tr") else { return Ok(false) };
        let header: Vec<String> = self.cells(first, depth + 1)?.into_iter().map(|c| c.cell.text).collect();
        Ok(crate::parse::table::header_names_ports(&header))
    }

    fn cells(&self, row: ElementRef<'_>, depth: usize) -> Result<Vec<WrittenCell>, Halt> {
        self.stop.check()?;
        let mut cells = Vec::new();
        for cell in row.children().filter_map(ElementRef::wrap) {
            if !matches!(cell.value().name(), "td" | "th") {
                continue;
            }
            let rendered = render(cell, false, depth)?;
            let text = lines(&rendered.text).join("\n");
            cells.push(WrittenCell {
                cell: located(self.line(cell), text, &rendered, cell),
                rows: spans::span(cell.attr("rowspan")),
                columns: spans::span(cell.attr("colspan")),
            });
        }
        Ok(cells)
    }
}

/// The elements of a table that are its own, not those of the tables inside it.
fn own(table: ElementRef<'_>) -> impl Iterator<Item = ElementRef<'_>> {
    let id = table.id();
    table
        .descendants()
        .skip(1)
        .filter_map(ElementRef::wrap)
        .filter(move |e| e.ancestors().find(|a| is_named(*a, "table")).is_some_and(|a| a.id() == id))
}

fn located(line: u32, text: String, rendered: &Rendered, element: ElementRef<'_>) -> Located {
    if rendered.markup {
        Located::with_markup(line, text, element.inner_html().trim().to_string())
    } else {
        Located::new(line, text)
    }
}

fn is_named(node: ego_tree::NodeRef<'_, Node>, name: &str) -> bool {
    node.value().as_element().is_some_and(|e| e.name() == name)
}

/// Whether an element holds block elements (then it is read as a container).
fn has_block_child(element: ElementRef<'_>) -> bool {
    element.children().filter_map(ElementRef::wrap).any(|c| BLOCKS.contains(&c.value().name()))
}

/// Whether every word of an element is inside `<b>` or `<strong>`.
fn all_bold(element: ElementRef<'_>) -> bool {
    let mut words = false;
    for node in element.descendants() {
        let Node::Text(text) = node.value() else { continue };
        if text.trim().is_empty() {
            continue;
        }
        words = true;
        let bold = node
            .ancestors()
            .take_while(|a| a.id() != element.id())
            .any(|a| a.value().as_element().is_some_and(|e| matches!(e.name(), "b" | "strong")));
        if !bold {
            return false;
        }
    }
    words
}

/// Whether a block quote is a note: classed as one, or opening with an alert marker (`[!NOTE]`).
fn is_note(element: ElementRef<'_>) -> bool {
    let classed = element.value().classes().any(|c| {
        let c = c.to_ascii_lowercase();
        c.contains("note") || c.contains("alert") || c.contains("important") || c.contains("warning")
    });
    classed || element.text().collect::<String>().trim_start().starts_with("[!")
}

#[cfg(test)]
mod tests;
