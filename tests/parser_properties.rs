//! Property tests: the Markdown and HTML readers, and the section finder and normalizer after
//! them, take any input without panicking (a document is read or refused, never a crash).

use kbingest::normalize::{NormalizeOptions, normalize_section};
use kbingest::parse::html::html_blocks;
use kbingest::parse::markdown::markdown_blocks;
use kbingest::parse::sections::{Event, Sections};
use kbingest::parse::{Block, LineIndex};
use kbingest::read::{declared_charset, detect_encoding, detect_format};
use proptest::prelude::*;

/// Runs the blocks through the section finder and the normalizer, as an ingest does.
fn finish(blocks: Vec<Block>) {
    for event in Sections::new(blocks.into_iter().map(Ok)) {
        if let Ok(Event::Section(section)) = event {
            let normalized = normalize_section(&section, &NormalizeOptions::default());
            for rule in &normalized.rules {
                assert!(rule.line >= 1);
            }
        }
    }
}

/// Pieces that make the readers take their less travelled paths.
const MARKDOWN_PIECES: &[&str] = &[
    "|",
    "||||",
    "|---|---|---|",
    "\n",
    "\n\n",
    "### ",
    "## ",
    "# ",
    "> ",
    "> [!NOTE]",
    "- ",
    "  - ",
    "**",
    "`",
    "_",
    "<br/>",
    "<sup>",
    "</sup>",
    "<sup>2</sup>",
    "¹",
    "[a](#b)",
    "---\n",
    "```",
    "Application protocol",
    "Protocol",
    "Ports",
    "Port",
    "System service name: ",
    "**LSASS**",
    "TCP",
    "UDP",
    "TP",
    "TCP/UDP",
    "TCP + UDP",
    "ICMP",
    "UDP and DTLS",
    "n/a",
    "No port number",
    "445, 139",
    "1024 - 65535",
    "random port number between 49152 - 65535",
    "3343 (note 1)",
    "99999",
    "65535",
    "x",
    " ",
    "\u{a0}",
    "\r",
    "&nbsp;",
    "<!-- c -->",
    "\\|",
];

const HTML_PIECES: &[&str] = &[
    "<table>",
    "</table>",
    "<tr>",
    "</tr>",
    "<td>",
    "</td>",
    "<th>",
    "<caption>",
    "<p>",
    "</p>",
    "<p class=MsoNormal>",
    "<p class=MsoCaption>",
    "<b>",
    "</b>",
    "<span>",
    "</span>",
    "<br>",
    "<h3>",
    "</h3>",
    "<h1>",
    "<ul><li>",
    "</li>",
    "<blockquote>",
    "</blockquote>",
    "[!NOTE]",
    "<div>",
    "</div>",
    "<sup>",
    "</sup>",
    "&nbsp;",
    "<o:p></o:p>",
    "<!--",
    "-->",
    "<![if !supportLists]>",
    "<![endif]>",
    "<script>",
    "</script>",
    "<tr\n style='a>b'>",
    "<td\n>",
    "\n",
    "Application protocol",
    "Protocol",
    "Port",
    "System Service Name ",
    "DNS",
    "TCP",
    "UDP",
    "GRE",
    "n/a",
    "RANDOM",
    "1024-65535",
    "53",
    "'",
    "\"",
    "=",
    "<",
    ">",
    "x",
];

fn pieces(vocabulary: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vocabulary), 0..80).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn markdown_never_panics_on_any_text(text in any::<String>()) {
        finish(markdown_blocks(&text).unwrap());
    }

    #[test]
    fn markdown_never_panics_on_table_like_text(text in pieces(MARKDOWN_PIECES)) {
        let blocks = markdown_blocks(&text).unwrap();
        let lines = text.split('\n').count() as u32;
        for block in &blocks {
            if let Block::Table(table) = block {
                prop_assert!(table.rows.iter().all(|r| r.line >= 1 && r.line <= lines));
            }
        }
        finish(blocks);
    }

    #[test]
    fn html_never_panics_on_any_text(text in any::<String>()) {
        if let Ok(blocks) = html_blocks(&text, "page.html") {
            finish(blocks);
        }
    }

    #[test]
    fn html_never_panics_on_tag_soup(text in pieces(HTML_PIECES)) {
        if let Ok(blocks) = html_blocks(&text, "page.html") {
            let lines = text.split('\n').count() as u32;
            for block in &blocks {
                if let Block::Table(table) = block {
                    prop_assert!(table.rows.iter().all(|r| r.line >= 1 && r.line <= lines), "{table:?}");
                }
            }
            finish(blocks);
        }
    }

    #[test]
    fn detection_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = detect_encoding(&bytes, true);
        let _ = detect_encoding(&bytes, false);
        let _ = declared_charset(&bytes);
        let _ = detect_format(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn every_offset_has_a_line(text in any::<String>(), offset in 0usize..1000) {
        let index = LineIndex::new(&text);
        let line = index.line(offset.min(text.len()));
        prop_assert!(line >= 1 && line as usize <= text.split('\n').count());
    }
}
