//! Parsing: turns a document's text into plain records that carry their source lines. Every format
//! reduces to the same [`Block`]s; [`sections`] finds the service sections in them, one path for all
//! formats. Nothing here touches SQL.

pub mod sections;
pub mod text;

use crate::anomaly::Anomaly;

/// A piece of text and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// 1-based line where the text starts.
    pub line: u32,
    /// The text, as the document has it (markup already removed by the format's reader).
    pub text: String,
}

impl Located {
    /// A located text.
    pub fn new(line: u32, text: impl Into<String>) -> Located {
        Located { line, text: text.into() }
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
}

impl Table {
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
    /// A table.
    Table(Table),
    /// An irregularity the reader itself noticed (e.g. a line of no-break spaces).
    Quirk(Anomaly),
}
