//! Parsing: turns a document's text into plain records that carry their source lines. Every format
//! reduces to the same [`Block`]s (the reader is chosen by format in [`document`]); [`sections`]
//! finds the service sections in them, one path for all formats, and decides each table's kind and
//! column roles once ([`table`]), so that a section carries its tables classified. Nothing here
//! touches SQL.

pub mod asciidoc;
pub mod document;
pub mod html;
pub mod label;
pub mod limits;
pub mod markdown;
pub mod registry;
pub mod rst;
pub mod sections;
pub mod table;
pub mod templates;
pub mod text;
pub mod words;

use crate::anomaly::Anomaly;
pub use document::{Blocks, document_blocks};
pub use limits::PageLimits;
pub use words::superscript_digit;

/// A piece of text and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// 1-based line where the text starts.
    pub line: u32,
    /// The text, as the document has it (markup already removed by the format's reader).
    pub text: String,
    /// The document's own words before the reader removed inline markup (bold, code, links, tags)
    /// from them; `None` where there was none. Normalization ledgers it where the text is used.
    pub markup: Option<String>,
}

impl Located {
    /// A located text without markup.
    pub fn new(line: u32, text: impl Into<String>) -> Located {
        Located { line, text: text.into(), markup: None }
    }

    /// A located text that the reader rendered from `source` by removing inline markup.
    pub fn with_markup(line: u32, text: impl Into<String>, source: impl Into<String>) -> Located {
        Located { line, text: text.into(), markup: Some(source.into()) }
    }
}

/// One row of a port table: its cells in document order (application protocol, protocol, port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// Line where the row begins.
    pub line: u32,
    /// The cells; a row cut short has fewer than the header.
    pub cells: Vec<Located>,
}

/// A table as a document lays it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Line of the table's header.
    pub line: u32,
    /// The header cells, e.g. `Application protocol`, `Protocol`, `Port`.
    pub header: Vec<String>,
    /// The body rows.
    pub rows: Vec<TableRow>,
    /// Footnotes below the table (paragraphs opening with a mark such as `†` or `*`), for the rows
    /// that carry the mark; the section finder fills them in.
    pub footnotes: Vec<Located>,
}

impl Table {
    /// A table without footnotes.
    pub fn new(line: u32, header: Vec<String>, rows: Vec<TableRow>) -> Table {
        Table { line, header, rows, footnotes: Vec::new() }
    }

    /// The last line the table occupies.
    pub fn last_line(&self) -> u32 {
        self.rows.iter().flat_map(|r| r.cells.iter().map(|c| c.line).chain([r.line])).max().unwrap_or(self.line)
    }
}

/// The structure every format's reader reduces a document to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// An explicit heading (Markdown `#`, HTML `h1`-`h4` or a bold paragraph), level 1 to 6.
    Heading {
        /// Heading level, 1 for the top.
        level: u8,
        /// The heading's text.
        text: Located,
    },
    /// A paragraph, list item or line of prose.
    Paragraph(Located),
    /// A caption the format marks as one (HTML `<caption>`).
    Caption(Located),
    /// A note set apart from the text (a block quote such as `> [!NOTE]`): description, never a
    /// title or caption.
    Note(Located),
    /// A table.
    Table(Table),
    /// An irregularity the reader itself noticed (e.g. a line of no-break spaces).
    Quirk(Anomaly),
}

impl Block {
    /// Moves the block `by` lines down (a block read from a part of a file, such as an HTML block
    /// in a Markdown page, to its lines in the whole file).
    pub fn shift_lines(&mut self, by: u32) {
        self.map_lines(&|line| line.saturating_add(by));
    }

    /// Moves every line of the block through `map` (a block read from a text with lines left out,
    /// such as template lines, to its lines in the whole file).
    pub fn map_lines(&mut self, map: &dyn Fn(u32) -> u32) {
        let shift = |located: &mut Located| located.line = map(located.line);
        match self {
            Block::Heading { text, .. } => shift(text),
            Block::Paragraph(t) | Block::Caption(t) | Block::Note(t) => shift(t),
            Block::Table(table) => {
                table.line = map(table.line);
                for row in &mut table.rows {
                    row.line = map(row.line);
                    row.cells.iter_mut().for_each(shift);
                }
                table.footnotes.iter_mut().for_each(shift);
            }
            Block::Quirk(anomaly) => anomaly.line = map(anomaly.line),
        }
    }
}

/// Tells the 1-based line of a byte offset in a text (whose lines end in `\n`).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// The line index of `text`.
    pub fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { starts }
    }

    /// The 1-based line that byte `offset` is on.
    pub fn line(&self, offset: usize) -> u32 {
        let line = self.starts.partition_point(|&start| start <= offset);
        u32::try_from(line).unwrap_or(u32::MAX)
    }
}

/// One line per block, with its line numbers: what the readers' tests compare.
#[cfg(test)]
pub(crate) fn outline(blocks: &[Block]) -> Vec<String> {
    blocks
        .iter()
        .map(|b| match b {
            Block::Heading { level, text } => format!("h{level}@{}: {}", text.line, text.text),
            Block::Paragraph(t) => format!("p@{}: {}", t.line, t.text),
            Block::Note(t) => format!("note@{}: {}", t.line, t.text),
            Block::Caption(t) => format!("caption@{}: {}", t.line, t.text),
            Block::Table(t) => {
                let rows: Vec<String> = t
                    .rows
                    .iter()
                    .map(|r| {
                        let cells: Vec<String> = r.cells.iter().map(|c| c.text.replace('\n', "+")).collect();
                        format!("{}:{}", r.line, cells.join("/"))
                    })
                    .collect();
                format!("table@{} [{}] {}", t.line, t.header.join("|"), rows.join(" "))
            }
            Block::Quirk(a) => format!("quirk@{}", a.line),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_to_lines() {
        let index = LineIndex::new("ab\n\ncd\n");
        let lines: Vec<u32> = (0..8).map(|i| index.line(i)).collect();
        assert_eq!(lines, [1, 1, 1, 2, 3, 3, 3, 4]);
    }
}
