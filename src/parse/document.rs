//! The reader for an input's format: every document format ends in the same [`Block`]s, which the
//! section finder ([`super::sections`]) takes whatever the format was. A new format is one more
//! arm here and a reader that yields blocks.

use super::Block;
use super::asciidoc::asciidoc_blocks;
use super::html::html_blocks;
use super::markdown::markdown_blocks;
use super::rst::rst_blocks;
use super::text::TextBlocks;
use crate::error::{Error, Result};
use crate::read::{Input, InputFormat};
use crate::stop::Stop;

/// A document's blocks in order; an error ends them.
pub type Blocks = Box<dyn Iterator<Item = Result<Block>>>;

/// The blocks of the document `input`, read by the reader of its format. Plain text streams line
/// by line, asking `stop` between lines (a long stretch without a table yields no block, but it
/// yields lines); the other formats are read whole, refused beyond `max_whole_bytes`.
pub fn document_blocks(input: Input, max_whole_bytes: u64, stop: Stop) -> Result<Blocks> {
    let path = input.path.clone();
    Ok(match input.format {
        InputFormat::Text => Box::new(TextBlocks::new(input.lines().map(move |line| stop.check().and(line)))),
        InputFormat::Markdown | InputFormat::Mdx => {
            Box::new(markdown_blocks(&input.into_text(max_whole_bytes, stop)?).into_iter().map(Ok))
        }
        InputFormat::Rst => Box::new(rst_blocks(&input.into_text(max_whole_bytes, stop)?).into_iter().map(Ok)),
        InputFormat::AsciiDoc => {
            Box::new(asciidoc_blocks(&input.into_text(max_whole_bytes, stop)?).into_iter().map(Ok))
        }
        InputFormat::Html => {
            Box::new(html_blocks(&input.into_text(max_whole_bytes, stop)?, &path)?.into_iter().map(Ok))
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
