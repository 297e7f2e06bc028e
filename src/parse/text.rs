//! The reader for the plain-text article. Each line outside a table is a paragraph; a table starts
//! at the header line `Application protocol Protocol Port` and continues with rows of three lines
//! (application protocol, protocol, port) up to a blank line.

use super::{Block, Located, Table, TableRow};
use crate::anomaly::{Anomaly, AnomalyKind};
use crate::error::Result;
use crate::read::Line;
use std::collections::VecDeque;

/// Lines per table row in the text format.
pub const CELLS_PER_ROW: usize = 3;

/// Whether a line is the header that opens a port table.
pub fn is_table_header(line: &str) -> bool {
    // Every line of a document is asked: compare word by word, allocating nothing.
    let mut words = line.split_whitespace();
    let mut next_is = |wanted: &[&str]| words.next().is_some_and(|w| wanted.iter().any(|x| w.eq_ignore_ascii_case(x)));
    next_is(&["application"])
        && next_is(&["protocol"])
        && next_is(&["protocol"])
        && next_is(&["port", "ports"])
        && words.next().is_none()
}

/// What a line is, for the purpose of finding paragraphs and tables.
enum LineKind {
    Blank,
    /// Only white space (spaces, tabs, no-break spaces): acts as a blank line.
    WhitespaceOnly,
    Text,
}

fn classify(line: &str) -> LineKind {
    if line.is_empty() {
        LineKind::Blank
    } else if line.chars().all(char::is_whitespace) {
        LineKind::WhitespaceOnly
    } else {
        LineKind::Text
    }
}

fn whitespace_quirk(line: &Line) -> Block {
    let described: Vec<&str> = line
        .text
        .chars()
        .map(|c| match c {
            '\u{a0}' => "no-break space",
            ' ' => "space",
            '\t' => "tab",
            _ => "other white space",
        })
        .collect();
    let mut kinds = described.clone();
    kinds.dedup();
    Block::Quirk(Anomaly::new(
        line.number,
        AnomalyKind::WhitespaceLine,
        line.text.clone(),
        Some(String::new()),
        format!(
            "A line of {} white-space character(s) ({}) was read as a blank line.",
            described.len(),
            kinds.join(", ")
        ),
    ))
}

/// Turns the lines of a text document into [`Block`]s, streaming.
pub struct TextBlocks<L> {
    lines: L,
    out: VecDeque<Result<Block>>,
    /// The document's name, for errors, and the most cells a table may hold.
    path: String,
    max_cells: usize,
}

impl<L: Iterator<Item = Result<Line>>> TextBlocks<L> {
    /// Blocks of the document whose lines are `lines`.
    pub fn new(lines: L) -> TextBlocks<L> {
        TextBlocks::within(lines, "", usize::MAX)
    }

    /// Blocks of the document `path` whose lines are `lines`; a table of more than `max_cells`
    /// cells (`--max-table-cells`) is refused.
    pub fn within(lines: L, path: &str, max_cells: usize) -> TextBlocks<L> {
        TextBlocks { lines, out: VecDeque::new(), path: path.to_string(), max_cells }
    }

    /// Reads a table's rows after its header, up to a blank line or the end.
    fn read_table(&mut self, header: Line) {
        let mut cells: Vec<Located> = Vec::new();
        let mut after = None;
        for line in self.lines.by_ref() {
            match line {
                Err(e) => {
                    after = Some(Err(e));
                    break;
                }
                Ok(line) => match classify(&line.text) {
                    LineKind::Blank => break,
                    LineKind::WhitespaceOnly => {
                        after = Some(Ok(whitespace_quirk(&line)));
                        break;
                    }
                    LineKind::Text if cells.len() >= self.max_cells => {
                        self.out.push_back(Err(super::limits::too_many_cells(
                            &self.path,
                            header.number,
                            self.max_cells,
                        )));
                        return;
                    }
                    LineKind::Text => cells.push(Located::new(line.number, line.text)),
                },
            }
        }
        let mut rows = Vec::with_capacity(cells.len().div_ceil(CELLS_PER_ROW));
        let mut cells = cells.into_iter().peekable();
        while let Some(line) = cells.peek().map(|c| c.line) {
            rows.push(TableRow { line, cells: cells.by_ref().take(CELLS_PER_ROW).collect() });
        }
        let header_cells = vec!["Application protocol".to_string(), "Protocol".to_string(), "Port".to_string()];
        self.out.push_back(Ok(Block::Table(Table::new(header.number, header_cells, rows))));
        self.out.extend(after);
    }
}

impl<L: Iterator<Item = Result<Line>>> Iterator for TextBlocks<L> {
    type Item = Result<Block>;

    fn next(&mut self) -> Option<Result<Block>> {
        loop {
            if let Some(block) = self.out.pop_front() {
                return Some(block);
            }
            let line = match self.lines.next()? {
                Ok(line) => line,
                Err(e) => return Some(Err(e)),
            };
            match classify(&line.text) {
                LineKind::Blank => continue,
                LineKind::WhitespaceOnly => return Some(Ok(whitespace_quirk(&line))),
                LineKind::Text if is_table_header(&line.text) => self.read_table(line),
                LineKind::Text => return Some(Ok(Block::Paragraph(Located::new(line.number, line.text)))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn blocks(doc: &str) -> Vec<Block> {
        let lines = doc.split('\n').enumerate().map(|(i, t)| Ok(Line { number: i as u32 + 1, text: t.to_string() }));
        TextBlocks::new(lines).collect::<Result<_>>().unwrap()
    }

    #[test]
    fn recognises_the_header_however_spaced() {
        assert!(is_table_header("Application protocol Protocol Port"));
        assert!(is_table_header("  application  protocol\u{a0}Protocol Ports "));
        assert!(!is_table_header("Application protocol"));
    }

    #[test]
    fn reads_paragraphs_and_a_table_of_three_line_rows() {
        let doc = "DNS Server\n\nSystem Service Name DNS\n\nApplication protocol Protocol Port\nDNS\nUDP\n53\nDNS\nTCP\n53\n\nNext";
        let got = blocks(doc);
        assert_eq!(got[0], Block::Paragraph(Located::new(1, "DNS Server")));
        assert_eq!(got[1], Block::Paragraph(Located::new(3, "System Service Name DNS")));
        let Block::Table(table) = &got[2] else { panic!("{got:?}") };
        assert_eq!(table.line, 5);
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[1].line, 9);
        assert_eq!(table.rows[1].cells.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), ["DNS", "TCP", "53"]);
        assert_eq!(table.last_line(), 11);
        assert_eq!(got[3], Block::Paragraph(Located::new(13, "Next")));
    }

    #[test]
    fn a_row_cut_short_keeps_the_cells_it_has() {
        let got = blocks("Application protocol Protocol Port\nDNS\nUDP\n53\nSMB\nTCP");
        let Block::Table(table) = &got[0] else { panic!() };
        assert_eq!(table.rows[1].cells.len(), 2);
    }

    #[test]
    fn a_line_of_no_break_spaces_ends_a_table_and_is_ledgered() {
        let got = blocks("Application protocol Protocol Port\nHTTP\nTCP\n80\n\u{a0} \nFooter");
        assert!(matches!(&got[0], Block::Table(t) if t.rows.len() == 1));
        let Block::Quirk(a) = &got[1] else { panic!("{got:?}") };
        assert_eq!((a.line, a.kind, a.raw.as_str()), (5, AnomalyKind::WhitespaceLine, "\u{a0} "));
        assert!(a.message.contains("no-break space, space"), "{}", a.message);
        assert_eq!(got[2], Block::Paragraph(Located::new(6, "Footer")));
    }
}
