//! The reader for Markdown with pipe tables (KB 832017 as Microsoft publishes it), by pulldown-cmark.
//!
//! Headings, paragraphs, list items and tables become [`Block`]s; their lines are those of the
//! original file (pulldown-cmark's byte offsets). Inline markup is rendered to its text: bold,
//! italics, code and links to their words, `<sup>2</sup>` to the superscript digit and other
//! superscript words to a remark in parentheses (as in every format), `<br/>` in a table cell to a line break between values.
//! Where markup was removed the element keeps its source, for normalization to ledger. What is in
//! block quotes (`> [!NOTE]` notes) becomes [`Block::Note`]s, never titles or captions; code
//! blocks, HTML blocks (but for the tables they hold, read by the HTML reader) and the front matter
//! (but for its `title:`, a level-1 heading) are not the article's text and are skipped. Template
//! and site-generator lines (Liquid, Hugo shortcodes, `:::note`, MDX `import` and JSX tags) are taken
//! out first ([`super::templates`]), so that a table they stand in is read as one.

use super::html::{BOLD_TITLE_LEVEL, Halt, read_page};
use super::templates::strip_template_lines;
use super::words::{is_title_like, superscript, without_alert_marker};
use super::{Block, LineIndex, Located, PageLimits, Table, TableRow};
use crate::error::{Error, Result};
use crate::stop::Stop;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// Text being collected from inline events, and where its element is in the source.
#[derive(Debug)]
struct Inline {
    range: Range<usize>,
    text: String,
    markup: bool,
    /// Where the open `<sup>`'s words start in `text`.
    superscript: Option<usize>,
}

impl Inline {
    fn new(range: Range<usize>) -> Inline {
        Inline { range, text: String::new(), markup: false, superscript: None }
    }

    fn push_text(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// An inline HTML tag: `<br>` is a line break, `<sup>` marks footnote digits; every other tag
    /// is dropped. All but `<br>` count as markup.
    fn push_tag(&mut self, tag: &str) {
        let inner = tag.trim_start_matches('<').trim_end_matches('>').trim_end_matches('/');
        let closing = inner.starts_with('/');
        let name: String =
            inner.trim_start_matches('/').chars().take_while(char::is_ascii_alphanumeric).collect::<String>();
        match name.to_ascii_lowercase().as_str() {
            "br" => self.text.push('\n'),
            "sup" => {
                self.markup = true;
                match (closing, self.superscript.take()) {
                    (false, _) => self.superscript = Some(self.text.len()),
                    (true, Some(start)) => {
                        let words = self.text.split_off(start.min(self.text.len()));
                        self.text.push_str(&superscript(&words));
                    }
                    (true, None) => {}
                }
            }
            _ => self.markup = true,
        }
    }
}

/// Whether a paragraph's source is one bold run and nothing else (`**Required Client Ports**`).
fn all_bold(source: Option<&str>) -> bool {
    let Some(source) = source else { return false };
    ["**", "__"].iter().any(|mark| {
        source
            .strip_prefix(mark)
            .and_then(|s| s.strip_suffix(mark))
            .is_some_and(|inner| !inner.is_empty() && !inner.contains(mark))
    })
}

/// The cells of a pipe-table row as its source splits them: on pipes not escaped by `\\`, the
/// pipes at either end being borders.
fn source_cells(row: &str) -> Vec<&str> {
    let row = row.lines().next().unwrap_or_default();
    let row = row.trim_start_matches(|c: char| c == '>' || c.is_whitespace()).trim_end();
    let row = row.strip_prefix('|').unwrap_or(row);
    let mut cells = Vec::new();
    let (mut start, mut escaped) = (0, false);
    for (i, c) in row.char_indices() {
        if c == '|' && !escaped {
            cells.push(&row[start..i]);
            start = i + 1;
        }
        escaped = c == '\\' && !escaped;
    }
    if !row[start..].trim().is_empty() {
        cells.push(&row[start..]);
    }
    cells
}

/// A table being collected.
#[derive(Debug, Default)]
struct TableBuild {
    header: Option<TableRow>,
    rows: Vec<TableRow>,
    /// Cells of the rows so far.
    cells: usize,
    row: Option<(TableRow, Range<usize>)>,
}

/// The state of one pass over the document's events.
struct Reader<'a> {
    source: &'a str,
    lines: LineIndex,
    blocks: Vec<Block>,
    /// Depth of code blocks, HTML blocks and front matter: everything in them is skipped.
    skipped: usize,
    /// Depth of block quotes: their text is notes.
    quotes: usize,
    /// The heading, paragraph or cell being collected.
    inline: Option<Inline>,
    /// List items being collected, innermost last.
    items: Vec<Inline>,
    table: Option<TableBuild>,
    /// Whether the events are the front matter's.
    in_front_matter: bool,
    /// An HTML block being collected (where it starts, its source), for the tables it may hold.
    html: Option<(usize, String)>,
    /// Where the document is, for errors, what its HTML tables may build, and the stop check.
    path: &'a str,
    limits: &'a PageLimits,
    stop: Stop,
    /// Why reading ended early: an HTML table beyond a limit, or a stop asked for.
    failed: Option<Error>,
}

/// Reads a Markdown (or MDX) document into blocks, within the default limits.
pub fn markdown_blocks(source: &str) -> Result<Vec<Block>> {
    markdown_blocks_within(source, "", &PageLimits::default(), Stop::NEVER)
}

/// Reads a Markdown (or MDX) document into blocks, its template lines taken out and ledgered; the
/// tables in it within `limits`. `path` names the document in errors; `stop` is asked at every
/// block.
pub fn markdown_blocks_within(source: &str, path: &str, limits: &PageLimits, stop: Stop) -> Result<Vec<Block>> {
    let stripped = strip_template_lines(source);
    if stripped.anomalies.is_empty() {
        return read_markdown(source, path, limits, stop);
    }
    let mut blocks = read_markdown(&stripped.text, path, limits, stop)
        .map_err(|e| e.with_line(|line| stripped.original_line(line)))?;
    for block in &mut blocks {
        block.map_lines(&|line| stripped.original_line(line));
    }
    for anomaly in stripped.anomalies {
        let at = blocks.iter().position(|b| first_line(b) > anomaly.line).unwrap_or(blocks.len());
        blocks.insert(at, Block::Quirk(anomaly));
    }
    Ok(blocks)
}

/// The line a block starts on.
fn first_line(block: &Block) -> u32 {
    match block {
        Block::Heading { text, .. } | Block::Paragraph(text) | Block::Caption(text) | Block::Note(text) => text.line,
        Block::Table(table) => {
            table.rows.first().map_or(table.line, |r| if table.line == 0 { r.line } else { table.line })
        }
        Block::Quirk(anomaly) => anomaly.line,
    }
}

/// Reads a Markdown document into blocks.
fn read_markdown(source: &str, path: &str, limits: &PageLimits, stop: Stop) -> Result<Vec<Block>> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut reader = Reader {
        source,
        lines: LineIndex::new(source),
        blocks: Vec::new(),
        skipped: 0,
        quotes: 0,
        inline: None,
        items: Vec::new(),
        table: None,
        in_front_matter: false,
        html: None,
        path,
        limits,
        stop,
        failed: None,
    };
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        if matches!(event, Event::End(_)) {
            stop.check()?;
        }
        reader.event(event, range);
        if let Some(e) = reader.failed.take() {
            return Err(e);
        }
    }
    Ok(reader.blocks)
}

impl Reader<'_> {
    fn line(&self, offset: usize) -> u32 {
        self.lines.line(offset)
    }

    /// The front matter's `title:` (a page's title where its body has no `#` heading) as a level-1
    /// heading; the rest of the front matter is not the article's text.
    fn front_matter_title(&mut self, text: &str, start: usize) {
        let mut offset = start;
        for line in text.split_inclusive('\n') {
            if let Some(title) = line.strip_prefix("title:") {
                let title = title.trim().trim_matches(|c| c == '"' || c == '\'');
                if !title.is_empty() {
                    let text = Located::new(self.line(offset), title);
                    self.blocks.push(Block::Heading { level: 1, text });
                }
            }
            offset += line.len();
        }
    }

    /// The tables of an HTML block (a page that writes its tables in HTML), read as the HTML reader
    /// reads them, at their lines in this file; the block's other text is not the article's.
    fn html_tables(&mut self) {
        let Some((start, html)) = self.html.take() else { return };
        if !html.to_ascii_lowercase().contains("<table") {
            return;
        }
        let offset = self.line(start) - 1;
        let blocks = match read_page(&html, self.path, self.limits, self.stop) {
            Ok(blocks) => blocks,
            // A block nested too deep to read is skipped like any other HTML block.
            Err(Halt::TooDeep) => return,
            // Beyond a limit, or stopped: the document is refused, at its own lines.
            Err(Halt::Refused(e)) => {
                self.failed = Some(e.with_line(|line| line.saturating_add(offset)));
                return;
            }
        };
        for mut block in blocks {
            if matches!(block, Block::Table(_) | Block::Caption(_)) {
                block.shift_lines(offset);
                self.blocks.push(block);
            }
        }
    }

    /// The text collected last: a cell, heading or paragraph, else the innermost list item.
    fn current(&mut self) -> Option<&mut Inline> {
        match self.inline.as_mut() {
            Some(inline) => Some(inline),
            None => self.items.last_mut(),
        }
    }

    /// The located text of a finished element; `keep_breaks` keeps `<br/>` line breaks (cells).
    fn located(&self, inline: Inline, keep_breaks: bool) -> Located {
        let line = self.line(inline.range.start);
        let text = if keep_breaks {
            inline.text.trim().to_string()
        } else {
            inline.text.replace('\n', " ").trim().to_string()
        };
        if inline.markup {
            let source = self.source.get(inline.range.clone()).unwrap_or_default();
            Located::with_markup(line, text, source.trim().trim_start_matches('#').trim())
        } else {
            Located::new(line, text)
        }
    }

    fn paragraph(&mut self, inline: Inline, bullet: bool) {
        let mut located = self.located(inline, false);
        if located.text.is_empty() {
            return;
        }
        if bullet {
            // A list item reads like the text article's bullet lines: never a title or caption.
            located.text.insert_str(0, "\u{2022} ");
        }
        if self.quotes == 0 && !bullet && all_bold(located.markup.as_deref()) && is_title_like(&located.text) {
            // A title in a bold paragraph, as in a web page (`**Required Client Ports**`): the
            // bold marks the title itself, so there is no markup to ledger.
            let text = Located::new(located.line, located.text);
            self.blocks.push(Block::Heading { level: BOLD_TITLE_LEVEL, text });
        } else if self.quotes == 0 {
            self.blocks.push(Block::Paragraph(located));
        } else if let Some(note) = without_alert_marker(&located.text) {
            located.text = note.to_string();
            self.blocks.push(Block::Note(located));
        }
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        if self.skipped > 0 {
            match event {
                Event::Text(text) if self.in_front_matter => self.front_matter_title(&text, range.start),
                Event::Html(html) => {
                    if let Some((_, block)) = self.html.as_mut() {
                        block.push_str(&html);
                    }
                }
                Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_)) => self.skipped += 1,
                Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_)) => {
                    self.skipped -= 1;
                    self.in_front_matter = false;
                    if self.skipped == 0 {
                        self.html_tables();
                    }
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(Tag::MetadataBlock(_)) => {
                self.skipped += 1;
                self.in_front_matter = true;
            }
            Event::Start(Tag::HtmlBlock) => {
                self.skipped += 1;
                self.html = Some((range.start, String::new()));
            }
            Event::Start(Tag::CodeBlock(_)) => self.skipped += 1,
            Event::Start(Tag::BlockQuote(_)) => self.quotes += 1,
            Event::End(TagEnd::BlockQuote(_)) => self.quotes = self.quotes.saturating_sub(1),
            Event::Start(Tag::Heading { .. }) => self.inline = Some(Inline::new(range)),
            Event::End(TagEnd::Heading(level)) => {
                if let Some(inline) = self.inline.take() {
                    if self.quotes > 0 {
                        self.paragraph(inline, false);
                        return;
                    }
                    let text = self.located(inline, false);
                    if !text.text.is_empty() {
                        self.blocks.push(Block::Heading { level: level as u8, text });
                    }
                }
            }
            Event::Start(Tag::Paragraph) => match self.items.last_mut() {
                // A paragraph of a loose list item continues the item's text.
                Some(item) if self.table.is_none() => item.text.push(' '),
                _ => self.inline = Some(Inline::new(range)),
            },
            Event::End(TagEnd::Paragraph) => {
                if let Some(inline) = self.inline.take() {
                    self.paragraph(inline, false);
                }
            }
            Event::Start(Tag::Item) => self.items.push(Inline::new(range)),
            Event::End(TagEnd::Item) => {
                if let Some(item) = self.items.pop() {
                    self.paragraph(item, true);
                }
            }
            Event::Start(Tag::List(_)) => {
                // The text of the item that holds this list comes before the list's items.
                if let Some(item) = self.items.last_mut() {
                    let done = std::mem::replace(item, Inline::new(range.clone()));
                    self.paragraph(done, true);
                }
            }
            Event::Start(Tag::Table(_)) => self.table = Some(TableBuild::default()),
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                let line = self.line(range.start);
                if let Some(table) = self.table.as_mut() {
                    table.row = Some((TableRow { line, cells: Vec::new() }, range));
                }
            }
            Event::Start(Tag::TableCell) => self.inline = Some(Inline::new(range)),
            Event::End(TagEnd::TableCell) => {
                let Some(inline) = self.inline.take() else { return };
                // pulldown-cmark pads a row cut short with empty cells of no width at the row's
                // end; they are not the document's, so the row keeps only the cells it has.
                let padded = inline.range.is_empty()
                    && self.table.as_ref().and_then(|t| t.row.as_ref()).is_some_and(|(_, row)| {
                        inline.range.start >= self.source.get(..row.end).unwrap_or_default().trim_end().len()
                    });
                let cell = self.located(inline, true);
                if let Some((row, _)) = self.table.as_mut().and_then(|t| t.row.as_mut())
                    && !padded
                {
                    row.cells.push(cell);
                }
            }
            Event::End(TagEnd::TableHead) => {
                if let Some(table) = self.table.as_mut() {
                    table.header = table.row.take().map(|(row, _)| row);
                }
            }
            Event::End(TagEnd::TableRow) => {
                let Some((mut row, range)) = self.table.as_mut().and_then(|t| t.row.take()) else { return };
                // pulldown-cmark drops the cells of a row beyond its header's; they are the
                // document's, so they are kept (as written) for normalization to ledger.
                let written = source_cells(self.source.get(range).unwrap_or_default());
                for extra in written.iter().skip(row.cells.len()) {
                    row.cells.push(Located::new(row.line, extra.trim()));
                }
                if let Some(table) = self.table.as_mut() {
                    table.cells += row.cells.len();
                    if table.cells > self.limits.table_cells {
                        let line = table.header.as_ref().map_or(row.line, |h| h.line);
                        self.failed = Some(super::limits::too_many_cells(self.path, line, self.limits.table_cells));
                    }
                    table.rows.push(row);
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some(table) = self.table.take() {
                    let header = table.header.unwrap_or(TableRow { line: 0, cells: Vec::new() });
                    let cells = header.cells.into_iter().map(|c| c.text).collect();
                    self.blocks.push(Block::Table(Table::new(header.line, cells, table.rows)));
                }
            }
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }) => {
                if let Some(inline) = self.current() {
                    inline.markup = true;
                }
            }
            Event::Text(text) => {
                if let Some(inline) = self.current() {
                    inline.push_text(&text);
                }
            }
            Event::Code(text) => {
                if let Some(inline) = self.current() {
                    inline.markup = true;
                    inline.text.push_str(&text);
                }
            }
            Event::InlineHtml(tag) | Event::Html(tag) => {
                if let Some(inline) = self.current() {
                    inline.push_tag(&tag);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(inline) = self.current() {
                    inline.text.push(' ');
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
