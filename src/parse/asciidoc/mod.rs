//! The reader for AsciiDoc (Asciidoctor): section titles (`= Title`, `== Section`, ...),
//! paragraphs, list items, admonitions (`NOTE: ...`, `[NOTE]` blocks) as notes, and `|===` tables
//! ([`table`]) with their `.Title` as a caption. Attribute entries (`:name: value`) give the values
//! of attribute references (`{name}`); a reference the document does not define is kept as written
//! and ledgered once (`unresolved_attribute`). Conditional lines (`ifdef::`, `ifndef::`, `ifeval::`,
//! `endif::`) are skipped and what they enclose is read, every branch: a port stated for one
//! product is still stated; they are ledgered once (`template_line`). Comments, listing, literal
//! and passthrough blocks are not the article's text.
//!
//! The `asciidoc-parser` crate reads tables, but drops what conditionals exclude, numbers lines
//! after preprocessing, and renders cells to HTML; this small reader keeps every line's number and
//! the cells' own words, as the other readers do.

mod inline;
mod table;

use super::PageLimits;
use super::html::spans::{Budget, Overflow, WrittenCell, lay_out_within};
use super::{Block, Located, Table};
use crate::anomaly::{Anomaly, AnomalyKind};
use crate::error::Result;
use inline::{Attributes, reduce, substitute};
use table::{TableAttributes, cells, rows};

/// One line of the document: its 1-based number and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Src {
    number: u32,
    text: String,
}

/// The reader's state over the document.
#[derive(Default)]
struct Reader {
    attributes: Attributes,
    /// Attribute references left as written: name and first line.
    unresolved: Vec<(String, u32)>,
    /// Conditional lines skipped: the first one and how many.
    conditionals: Option<(u32, String, usize)>,
    blocks: Vec<Block>,
    /// The block attribute line and the `.Title` waiting for their block.
    pending_attributes: Option<String>,
    pending_title: Option<(u32, String)>,
    /// Open delimited blocks (their delimiter) and whether their text is a note.
    open: Vec<(String, bool)>,
    /// What spans may still add to the document, and the first table that went beyond it.
    budget: Option<Budget>,
    overflow: Option<(u32, Overflow)>,
}

const ADMONITIONS: &[&str] = &["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"];

/// Reads an AsciiDoc document into blocks, within the default limits.
pub fn asciidoc_blocks(source: &str) -> Result<Vec<Block>> {
    asciidoc_blocks_within(source, "", &PageLimits::default())
}

/// Reads an AsciiDoc document into blocks; its tables' spans within `limits` (`path` names the
/// document in the refusal).
pub fn asciidoc_blocks_within(source: &str, path: &str, limits: &PageLimits) -> Result<Vec<Block>> {
    let lines: Vec<Src> = source
        .lines()
        .enumerate()
        .map(|(i, l)| Src { number: u32::try_from(i + 1).unwrap_or(u32::MAX), text: l.trim_end().to_string() })
        .collect();
    let mut reader = Reader { budget: Some(Budget::for_page(limits)), ..Reader::default() };
    let lines = reader.preprocess(lines);
    reader.read(&lines);
    if let (Some((line, overflow)), Some(budget)) = (reader.overflow, reader.budget) {
        return Err(budget.refusal(path, line, overflow));
    }
    let mut quirks = Vec::new();
    if let Some((line, raw, count)) = reader.conditionals.take() {
        let more = if count > 1 { format!(" (and {} more like it)", count - 1) } else { String::new() };
        let message = format!(
            "An AsciiDoc conditional line{more} is skipped; what it encloses is read, whichever attributes are set."
        );
        quirks.push(Anomaly::new(line, AnomalyKind::TemplateLine, raw, None, message));
    }
    for (name, line) in std::mem::take(&mut reader.unresolved) {
        let message = format!("The attribute {{{name}}} is not defined in the document; kept as written.");
        quirks.push(Anomaly::new(line, AnomalyKind::UnresolvedAttribute, format!("{{{name}}}"), None, message));
    }
    let mut blocks = reader.blocks;
    for quirk in quirks {
        let at = blocks.iter().position(|b| first_line(b) > quirk.line).unwrap_or(blocks.len());
        blocks.insert(at, Block::Quirk(quirk));
    }
    Ok(blocks)
}

fn first_line(block: &Block) -> u32 {
    match block {
        Block::Heading { text, .. } | Block::Paragraph(text) | Block::Caption(text) | Block::Note(text) => text.line,
        Block::Table(table) => table.rows.first().map_or(table.line, |r| r.line.min(table.line.max(1))),
        Block::Quirk(anomaly) => anomaly.line,
    }
}

/// Whether a line is a conditional preprocessor directive.
fn conditional(text: &str) -> bool {
    ["ifdef::", "ifndef::", "ifeval::", "endif::"].iter().any(|d| text.starts_with(d)) && text.ends_with(']')
}

/// An attribute entry: `:name: value`, `:name!:` or `:!name:` (unset: `None`).
fn attribute_entry(text: &str) -> Option<(String, Option<String>)> {
    let rest = text.strip_prefix(':')?;
    let (name, value) = rest.split_once(':')?;
    if !(value.is_empty() || value.starts_with(' ')) {
        return None;
    }
    let unset = name.starts_with('!') || name.ends_with('!');
    let name = name.trim_matches('!');
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
        return None;
    }
    Some((name.to_ascii_lowercase(), (!unset).then(|| value.trim().to_string())))
}

/// A delimiter line of a block whose content is skipped (listing, literal, passthrough, comment).
fn verbatim_delimiter(text: &str) -> bool {
    text.len() >= 4 && ['-', '.', '+', '/'].iter().any(|&c| text.chars().all(|x| x == c))
}

/// A delimiter line of a block whose content is read (example, sidebar, quote, open).
fn compound_delimiter(text: &str) -> bool {
    text == "--" || (text.len() >= 4 && ['=', '*', '_'].iter().any(|&c| text.chars().all(|x| x == c)))
}

/// The marker width of a list item (`* `, `** `, `- `, `. `, `1. `, `<1> `), if the line is one.
fn list_item(text: &str) -> Option<usize> {
    let mark: String = text.chars().take_while(|c| !c.is_whitespace()).collect();
    let is_item = mark.chars().all(|c| c == '*')
        || mark == "-"
        || mark.chars().all(|c| c == '.')
        || (mark.ends_with('.')
            && mark[..mark.len() - 1].chars().all(|c| c.is_ascii_alphanumeric())
            && mark.len() <= 4)
        || (mark.starts_with('<') && mark.ends_with('>'));
    (is_item && !mark.is_empty() && text.len() > mark.len() + 1 && text[mark.len()..].starts_with(' '))
        .then(|| mark.len() + 1)
}

impl Reader {
    /// Inline text: attributes substituted (unresolved ones noted at `line`), markup reduced.
    fn text(&mut self, line: u32, source: &str) -> Located {
        let mut unresolved = Vec::new();
        let substituted = substitute(source, &self.attributes, &mut unresolved);
        for name in unresolved {
            if !self.unresolved.iter().any(|(n, _)| *n == name) {
                self.unresolved.push((name, line));
            }
        }
        let (text, markup) = reduce(&substituted);
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if markup { Located::with_markup(line, text, source.trim()) } else { Located::new(line, text) }
    }

    fn in_note(&self) -> bool {
        self.open.iter().any(|(_, note)| *note)
    }

    fn paragraph(&mut self, text: Located, note: bool) {
        if text.text.is_empty() {
            return;
        }
        self.blocks.push(if note || self.in_note() { Block::Note(text) } else { Block::Paragraph(text) });
    }

    /// Takes out the conditional lines (anywhere, as Asciidoctor's preprocessor does, tables
    /// included), keeping what they enclose and the one-line form's text, and the comment lines.
    fn preprocess(&mut self, lines: Vec<Src>) -> Vec<Src> {
        let mut out = Vec::with_capacity(lines.len());
        for line in lines {
            let text = line.text.as_str();
            if conditional(text) {
                let entry = self.conditionals.get_or_insert((line.number, text.to_string(), 0));
                entry.2 += 1;
                let body = text.split_once('[').map_or("", |(_, b)| &b[..b.len().saturating_sub(1)]);
                if !body.is_empty() && (text.starts_with("ifdef::") || text.starts_with("ifndef::")) {
                    // The one-line form, `ifdef::name[text]`: its text is read.
                    out.push(Src { number: line.number, text: body.to_string() });
                }
            } else if !text.starts_with("//") || text.starts_with("////") {
                out.push(line);
            }
        }
        out
    }

    fn read(&mut self, lines: &[Src]) {
        let mut i = 0;
        while i < lines.len() {
            let line = &lines[i];
            let text = line.text.as_str();
            i += 1;
            if text.trim().is_empty() {
                continue;
            }
            if let Some((name, value)) = attribute_entry(text) {
                match value {
                    Some(value) => {
                        let mut ignored = Vec::new();
                        let value = substitute(&value, &self.attributes, &mut ignored);
                        self.attributes.insert(name, value);
                    }
                    None => {
                        self.attributes.remove(&name);
                    }
                }
                continue;
            }
            if verbatim_delimiter(text) {
                let end = lines[i..].iter().position(|l| l.text == text).map_or(lines.len(), |p| i + p + 1);
                i = end;
                self.pending_attributes = None;
                self.pending_title = None;
                continue;
            }
            if ["|===", "!===", ",===", ":==="].iter().any(|d| text.starts_with(d))
                && text[4..].chars().all(|c| c == '=')
            {
                let end = lines[i..].iter().position(|l| l.text == text).map_or(lines.len(), |p| i + p);
                self.table(line.number, text.chars().next().unwrap_or('|'), &lines[i..end]);
                i = (end + 1).min(lines.len().max(end));
                continue;
            }
            if compound_delimiter(text) {
                if self.open.last().is_some_and(|(d, _)| d == text) {
                    self.open.pop();
                } else {
                    let style = self.pending_attributes.take().unwrap_or_default();
                    let style = style.split(',').next().unwrap_or_default().trim().to_ascii_uppercase();
                    self.open.push((text.to_string(), ADMONITIONS.contains(&style.as_str())));
                }
                self.pending_title = None;
                continue;
            }
            if text.starts_with("[[") && text.ends_with("]]") {
                continue;
            }
            if text.starts_with('[') && text.ends_with(']') {
                self.pending_attributes = Some(text[1..text.len() - 1].to_string());
                continue;
            }
            if let Some(title) = text.strip_prefix('.')
                && title.starts_with(|c: char| !c.is_whitespace() && c != '.')
            {
                self.pending_title = Some((line.number, title.to_string()));
                continue;
            }
            let hashes = text.chars().take_while(|&c| c == '=' || c == '#').count();
            if (1..=6).contains(&hashes) && text[hashes..].starts_with(' ') {
                let title = text[hashes..].trim().trim_end_matches(['=', '#']).trim();
                let text = self.text(line.number, title);
                self.pending_attributes = None;
                self.pending_title = None;
                if !text.text.is_empty() {
                    self.blocks.push(Block::Heading { level: u8::try_from(hashes).unwrap_or(6), text });
                }
                continue;
            }
            // A paragraph or list item: up to a blank line or a line that starts another block.
            let mut end = i;
            while end < lines.len() {
                let next = lines[end].text.as_str();
                let breaks = next.trim().is_empty()
                    || next == "+"
                    || list_item(next).is_some()
                    || conditional(next)
                    || verbatim_delimiter(next)
                    || compound_delimiter(next)
                    || next.starts_with("|===")
                    || next.starts_with("//");
                if breaks {
                    break;
                }
                end += 1;
            }
            let mut note = false;
            let mut source = lines[i - 1..end].iter().map(|l| l.text.trim()).collect::<Vec<_>>().join(" ");
            if let Some((label, rest)) = source.split_once(": ")
                && ADMONITIONS.contains(&label)
            {
                source = rest.to_string();
                note = true;
            }
            let style = self.pending_attributes.take().unwrap_or_default();
            note |= ADMONITIONS.contains(&style.split(',').next().unwrap_or_default().trim());
            self.pending_title = None;
            let bullet = list_item(&source);
            if let Some(width) = bullet {
                source = format!("\u{2022} {}", &source[width..]);
            }
            let located = self.text(line.number, &source);
            self.paragraph(located, note);
            i = end;
        }
    }

    /// Reads a table's content (between its delimiters) into a caption and a table.
    fn table(&mut self, delimiter_line: u32, kind: char, content: &[Src]) {
        let attributes = TableAttributes::parse(&self.pending_attributes.take().unwrap_or_default());
        if let Some((line, title)) = self.pending_title.take() {
            let caption = self.text(line, &title);
            if !caption.text.is_empty() {
                self.blocks.push(Block::Caption(caption));
            }
        }
        let data = match attributes.format.as_deref() {
            Some("csv") => ',',
            Some("tsv") => '\t',
            Some("dsv") => ':',
            _ if kind == ',' || kind == ':' => kind,
            _ => '|',
        };
        let raw =
            if data == '|' { cells(content, if kind == '!' { '!' } else { '|' }) } else { delimited(content, data) };
        let first_line_cells = raw.iter().position(|c| c.ends_first_line).map_or(raw.len(), |p| p + 1);
        let columns = attributes
            .columns
            .unwrap_or_else(|| raw[..first_line_cells].iter().map(|c| c.columns).sum::<usize>().max(1));
        let first = content.iter().position(|l| !l.text.trim().is_empty());
        let implicit_header = first.is_some_and(|f| content.get(f + 1).is_some_and(|l| l.text.trim().is_empty()))
            && raw[..first_line_cells].iter().map(|c| c.columns).sum::<usize>() == columns;
        let header = attributes.header.unwrap_or(implicit_header);
        let written: Vec<WrittenCell> = raw
            .into_iter()
            .map(|c| {
                let cell = self.cell(&c);
                WrittenCell { cell, rows: c.rows, columns: c.columns }
            })
            .collect();
        let Some(budget) = self.budget.as_mut().filter(|_| self.overflow.is_none()) else { return };
        let mut laid = match lay_out_within(rows(written, columns), budget) {
            Ok(laid) => laid,
            Err(overflow) => {
                self.overflow = Some((delimiter_line, overflow));
                return;
            }
        };
        let body = if header && !laid.is_empty() { laid.split_off(1) } else { std::mem::take(&mut laid) };
        let (line, header) = match laid.first() {
            Some(row) => (row.line, row.cells.iter().map(|c| c.text.replace('\n', " ")).collect()),
            None => (delimiter_line, Vec::new()),
        };
        self.blocks.push(Block::Table(Table::new(line, header, body)));
    }

    /// A cell's text: its paragraphs one a line, list items one a line.
    fn cell(&mut self, cell: &table::RawCell) -> Located {
        let literal = matches!(cell.style, Some('l'));
        let mut paragraphs: Vec<String> = Vec::new();
        let mut current: Vec<&str> = Vec::new();
        for line in &cell.lines {
            let t = line.trim();
            let starts_item = list_item(t).is_some();
            if (t.is_empty() || literal || starts_item || t == "+") && !current.is_empty() {
                paragraphs.push(current.join(" "));
                current.clear();
            }
            if !t.is_empty() && t != "+" {
                match list_item(t) {
                    Some(width) if cell.style == Some('a') => current.push(&t[width..]),
                    _ => current.push(t),
                }
            }
        }
        if !current.is_empty() {
            paragraphs.push(current.join(" "));
        }
        let source = paragraphs.join("\n");
        let mut texts = Vec::new();
        let mut markup = false;
        for paragraph in &paragraphs {
            let text = self.text(cell.line, paragraph);
            markup |= text.markup.is_some();
            texts.push(text.text);
        }
        let text = texts.join("\n");
        if markup { Located::with_markup(cell.line, text, source) } else { Located::new(cell.line, text) }
    }
}

/// The cells of CSV or DSV data, one row a line (quoted CSV cells may hold the delimiter).
fn delimited(content: &[Src], delimiter: char) -> Vec<table::RawCell> {
    let mut out = Vec::new();
    let mut first = true;
    for line in content.iter().filter(|l| !l.text.trim().is_empty()) {
        let fields = super::rst::csv_fields(&line.text, delimiter);
        let count = fields.len();
        for (k, field) in fields.into_iter().enumerate() {
            out.push(table::RawCell {
                line: line.number,
                lines: vec![field],
                columns: 1,
                rows: 1,
                style: None,
                ends_first_line: first && k + 1 == count,
            });
        }
        first = false;
    }
    out
}

#[cfg(test)]
mod tests;
