//! The reader for an input's format: every document format ends in the same [`Block`]s, which the
//! section finder ([`super::sections`]) takes whatever the format was. A new format is one more
//! arm here and a reader that yields blocks.

use super::asciidoc::asciidoc_blocks_within;
use super::html::html_blocks_within;
use super::limits::too_many_cells;
use super::markdown::markdown_blocks_within;
use super::rst::rst_blocks_within;
use super::text::TextBlocks;
use super::{Block, PageLimits};
use crate::error::{Error, Result};
use crate::read::{Input, InputFormat};
use crate::stop::Stop;

/// A document's blocks in order; an error ends them.
pub type Blocks = Box<dyn Iterator<Item = Result<Block>>>;

/// The blocks of the document `input`, read by the reader of its format within `limits`. Plain
/// text streams line by line, asking `stop` between lines (a long stretch without a table yields
/// no block, but it yields lines); the other formats are read whole, refused beyond
/// `limits.repeated_bytes` (`--max-input-size`).
pub fn document_blocks(input: Input, limits: &PageLimits, stop: Stop) -> Result<Blocks> {
    let path = input.path.clone();
    let max_whole_bytes = limits.repeated_bytes;
    Ok(match input.format {
        InputFormat::Text => {
            let lines = input.lines().map(move |line| stop.check().and(line));
            Box::new(TextBlocks::within(lines, &path, limits.table_cells))
        }
        InputFormat::Markdown | InputFormat::Mdx => {
            let text = input.into_text(max_whole_bytes, stop)?;
            Box::new(markdown_blocks_within(&text, &path, limits, stop)?.into_iter().map(Ok))
        }
        InputFormat::Rst => {
            let blocks = rst_blocks_within(&input.into_text(max_whole_bytes, stop)?, &path, limits)?;
            Box::new(within_cells(blocks, &path, limits)?.into_iter().map(Ok))
        }
        InputFormat::AsciiDoc => {
            let blocks = asciidoc_blocks_within(&input.into_text(max_whole_bytes, stop)?, &path, limits)?;
            Box::new(within_cells(blocks, &path, limits)?.into_iter().map(Ok))
        }
        InputFormat::Html => {
            let text = input.into_text(max_whole_bytes, stop)?;
            Box::new(html_blocks_within(&text, &path, limits, stop)?.into_iter().map(Ok))
        }
        // Registries are records, not blocks (see `parse::registry`).
        InputFormat::IanaCsv | InputFormat::Services | InputFormat::NmapServices => {
            return Err(Error::input(
                &path,
                "is a port registry, not a document with port tables",
                "load it on its own",
            ));
        }
    })
}

/// The blocks, unless a table holds more cells than `limits` allow (for the readers that lay out
/// their tables whole, within the page's budget of spans, and have them checked here).
fn within_cells(blocks: Vec<Block>, path: &str, limits: &PageLimits) -> Result<Vec<Block>> {
    for block in &blocks {
        if let Block::Table(table) = block {
            let cells = table.header.len() + table.rows.iter().map(|r| r.cells.len()).sum::<usize>();
            if cells > limits.table_cells {
                return Err(too_many_cells(path, table.line, limits.table_cells));
            }
        }
    }
    Ok(blocks)
}
