//! Property tests for the reStructuredText, AsciiDoc and MDX readers: any text, and text made of
//! the pieces their tables and titles are written with, is read without panicking, every table
//! row and cell at a line of the input; the section finder and normalizer take what they give.

use kbingest::normalize::{NormalizeOptions, normalize_section};
use kbingest::parse::asciidoc::asciidoc_blocks;
use kbingest::parse::markdown::markdown_blocks;
use kbingest::parse::rst::rst_blocks;
use kbingest::parse::sections::{Event, Sections};
use kbingest::parse::{Block, Table};
use proptest::prelude::*;

const RST_PIECES: &[&str] = &[
    "\n",
    "\n\n",
    "   ",
    "  ",
    "+------+------+",
    "+======+======+",
    "|",
    "| 53   | UDP  |",
    "+",
    "-",
    "=",
    "=====  =====",
    "====",
    "----",
    "Title",
    "Port",
    "Protocol",
    ".. list-table:: Ports\n",
    ".. csv-table::\n",
    ":header-rows: 1\n",
    ":header: Port, Protocol\n",
    "* - ",
    "  - ",
    "- ",
    ".. table:: T\n",
    ".. note:: ",
    ".. code-block::\n",
    "::",
    "``",
    "*",
    "`x`_",
    ":ref:`a <b>`",
    "|sub|",
    ".. |sub| replace:: 80\n",
    "\"",
    ",",
    "53",
    "TCP",
    "443/tcp",
    "1. ",
    "\t",
    "é",
    "\\",
];

const ASCIIDOC_PIECES: &[&str] = &[
    "\n",
    "\n\n",
    "|===",
    "|",
    "!===",
    ",===",
    ":===",
    "2+|",
    ".2+|",
    "3*|",
    "a|",
    "m|",
    "^|",
    "[cols=\"1,2\"]",
    "[cols=3*]",
    "[%header]",
    "[options=\"header\"]",
    "[format=csv]",
    ".Title",
    "= ",
    "== ",
    "=== ",
    ":attr: 53",
    "{attr}",
    "{missing}",
    "ifdef::x[]",
    "endif::[]",
    "ifdef::x[text]",
    "----",
    "====",
    "[NOTE]",
    "NOTE: ",
    "* ",
    "// c",
    "`",
    "*",
    "_",
    "+",
    "<<a,b>>",
    "link:x[y]",
    "Port",
    "Protocol",
    "TCP",
    "53",
    "\\|",
    ",",
    "\"",
    " ",
];

const TEMPLATE_PIECES: &[&str] = &[
    "\n",
    "| Port | Protocol |",
    "|---|---|",
    "| 53 | UDP |",
    "{: .x}",
    "{% if a %}",
    "{%- endif %}",
    "{{ v }}",
    "{{< note >}}",
    "{{% tab %}}",
    ":::note",
    ":::",
    "import A from 'a';",
    "import {",
    "} from 'b'",
    "export const m = {",
    "}",
    "<Tabs>",
    "</Tabs>",
    "<TabItem value=\"x\">",
    "<Admonition",
    ">",
    "<Note>t</Note>",
    "```",
    "---\n",
    "# T",
    " ",
    "{",
];

fn pieces(vocabulary: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vocabulary), 0..80).prop_map(|parts| parts.concat())
}

fn within(table: &Table, lines: u32) -> bool {
    table.rows.iter().all(|r| r.line <= lines && r.cells.iter().all(|c| c.line <= lines))
}

/// Every table row and cell at a line of the text; then the section finder and the normalizer.
fn check(blocks: Vec<Block>, text: &str) -> Result<(), TestCaseError> {
    let lines = text.split('\n').count() as u32;
    for block in &blocks {
        if let Block::Table(table) = block {
            prop_assert!(within(table, lines), "{table:?}");
        }
    }
    for event in Sections::new(blocks.into_iter().map(Ok)) {
        if let Ok(Event::Section(section)) = event {
            let normalized = normalize_section(&section, &NormalizeOptions::default());
            prop_assert!(normalized.rules.iter().all(|r| r.line >= 1 && r.line <= lines));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn rst_never_panics_on_any_text(text in any::<String>()) {
        check(rst_blocks(&text).unwrap(), &text)?;
    }

    #[test]
    fn rst_never_panics_on_table_like_text(text in pieces(RST_PIECES)) {
        check(rst_blocks(&text).unwrap(), &text)?;
    }

    #[test]
    fn asciidoc_never_panics_on_any_text(text in any::<String>()) {
        check(asciidoc_blocks(&text).unwrap(), &text)?;
    }

    #[test]
    fn asciidoc_never_panics_on_table_like_text(text in pieces(ASCIIDOC_PIECES)) {
        check(asciidoc_blocks(&text).unwrap(), &text)?;
    }

    #[test]
    fn template_lines_never_panic_and_keep_lines(text in pieces(TEMPLATE_PIECES)) {
        check(markdown_blocks(&text).unwrap(), &text)?;
    }
}
