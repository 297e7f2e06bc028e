//! The reader for reStructuredText (docutils, Sphinx): section titles by their underline (and
//! overline), levels in the order the document first uses each style; paragraphs, bullet and
//! enumerated list items; admonitions (`.. note::`) as notes; the four kinds of table (grid,
//! simple, `list-table`, `csv-table`), the `table` directive's title and a list or CSV table's
//! title as captions; a definition list term whose definition holds a table titles it, as a
//! heading one level below the section's. Inline markup is reduced to its text ([`inline`]) and kept for the ledger.
//! Literal blocks, code blocks, comments, targets and substitution definitions are not the
//! article's text. No crate reads reStructuredText tables with their lines (`rst_parser` has no
//! tables), so this is a small reader after the docutils specification, for tables and titles.

mod directives;
mod grids;
mod inline;

use super::PageLimits;
use super::html::spans::{Budget, Overflow, WrittenCell, lay_out_within};
use super::{Block, Located, Table};
use crate::error::Result;
use directives::{Options, dedent, indent};
use grids::{Drawn, is_grid_border, is_simple_border};
use inline::{Substitutions, reduce};

/// The fields of one line of CSV (or of data with another delimiter), quotes removed.
pub(crate) fn csv_fields(line: &str, delimiter: char) -> Vec<String> {
    directives::records(line, 1, delimiter).into_iter().next().map(|(_, fields)| fields).unwrap_or_default()
}

/// One line of the document: its 1-based number and its text (tabs expanded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Src {
    number: u32,
    text: String,
}

/// What the reader keeps across the document.
#[derive(Default)]
struct Context {
    substitutions: Substitutions,
    /// Title styles (underline character, overlined) in the order first used: their level.
    styles: Vec<(char, bool)>,
    /// What spans may still add to the document, and the first table that went beyond it.
    budget: Budget,
    overflow: Option<(u32, Overflow)>,
    /// The level of the last section title read (0 before the first).
    section_level: u8,
}

/// Reads a reStructuredText document into blocks, within the default limits.
pub fn rst_blocks(source: &str) -> Result<Vec<Block>> {
    rst_blocks_within(source, "", &PageLimits::default())
}

/// Reads a reStructuredText document into blocks; its tables' spans within `limits` (`path` names
/// the document in the refusal).
pub fn rst_blocks_within(source: &str, path: &str, limits: &PageLimits) -> Result<Vec<Block>> {
    let lines: Vec<Src> = source
        .lines()
        .enumerate()
        .map(|(i, l)| Src { number: u32::try_from(i + 1).unwrap_or(u32::MAX), text: expand_tabs(l) })
        .collect();
    let budget = Budget::for_page(limits);
    let mut context =
        Context { substitutions: substitutions(&lines), styles: Vec::new(), budget, overflow: None, section_level: 0 };
    let mut blocks = Vec::new();
    read(&lines, &mut context, false, &mut blocks);
    match context.overflow {
        Some((line, overflow)) => Err(context.budget.refusal(path, line, overflow)),
        None => Ok(blocks),
    }
}

fn expand_tabs(line: &str) -> String {
    if !line.contains('\t') {
        return line.trim_end_matches('\r').to_string();
    }
    let mut out = String::new();
    for c in line.trim_end_matches('\r').chars() {
        if c == '\t' {
            out.push(' ');
            while !out.chars().count().is_multiple_of(8) {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `.. |name| replace:: text` definitions.
fn substitutions(lines: &[Src]) -> Substitutions {
    let mut out = Substitutions::new();
    for line in lines {
        let t = line.text.trim_start();
        if let Some(rest) = t.strip_prefix(".. |")
            && let Some((name, definition)) = rest.split_once('|')
            && let Some(text) = definition.trim_start().strip_prefix("replace::")
        {
            out.insert(name.to_string(), reduce(text.trim(), &Substitutions::new()).0);
        }
    }
    out
}

fn blank(line: &Src) -> bool {
    line.text.trim().is_empty()
}

/// Whether a line is all one punctuation character (a title's underline or overline).
fn adornment(text: &str) -> Option<char> {
    let t = text.trim_end();
    let c = t.chars().next()?;
    (t.chars().count() >= 2 && c.is_ascii_punctuation() && t.chars().all(|x| x == c)).then_some(c)
}

/// The end (exclusive) of the block that starts at `start`: its lines up to the first non-blank
/// line indented no more than `indent_below`.
fn indented_end(lines: &[Src], start: usize, indent_below: usize) -> usize {
    let mut end = start;
    for (i, line) in lines.iter().enumerate().skip(start) {
        if !blank(line) && indent(&line.text) <= indent_below {
            break;
        }
        end = i + 1;
    }
    end
}

/// The lines of an indented block, dedented by their common indentation.
fn body(lines: &[Src]) -> Vec<Src> {
    let width = lines.iter().filter(|l| !blank(l)).map(|l| indent(&l.text)).min().unwrap_or(0);
    dedent(lines, width)
}

/// Text made from lines: inline markup reduced, lines joined by spaces.
fn located(lines: &[Src], context: &Context) -> Option<Located> {
    let first = lines.iter().find(|l| !blank(l))?;
    let source = lines.iter().map(|l| l.text.trim()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" ");
    let (text, markup) = reduce(&source, &context.substitutions);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(if markup { Located::with_markup(first.number, text, source) } else { Located::new(first.number, text) })
}

/// The heading level of a title style, the first style used being level 1.
fn level(context: &mut Context, style: (char, bool)) -> u8 {
    let index = match context.styles.iter().position(|&s| s == style) {
        Some(index) => index,
        None => {
            context.styles.push(style);
            context.styles.len() - 1
        }
    };
    context.section_level = u8::try_from(index + 1).unwrap_or(6).min(6);
    context.section_level
}

/// A definition list item's term, its classifiers (`term : classifier`) taken off.
fn term(line: &Src) -> Src {
    let text = line.text.split(" : ").next().unwrap_or_default().to_string();
    Src { number: line.number, text }
}

/// A definition list item (a one-line term, its definition indented on the next lines) at
/// `start`: the term titles the tables of its definition, as a heading one level below the
/// section's (docutils renders it as a `<dt>` over them); a term over anything else is a
/// paragraph. Returns where the item ends.
fn definition_item(lines: &[Src], start: usize, context: &mut Context, note: bool, out: &mut Vec<Block>) -> usize {
    let end = indented_end(lines, start + 1, 0);
    let mut definition = Vec::new();
    read(&body(&lines[start + 1..end]), context, note, &mut definition);
    let term = located(&[term(&lines[start])], context).filter(|t| !t.text.is_empty());
    let titles_a_table = !note && definition.iter().any(|b| matches!(b, Block::Table(_)));
    out.extend(term.map(|text| match (titles_a_table, note) {
        (true, _) => Block::Heading { level: (context.section_level + 1).min(6), text },
        (false, true) => Block::Note(text),
        (false, false) => Block::Paragraph(text),
    }));
    out.extend(definition);
    end
}

/// The words of a cell: its paragraphs and items, one a line.
fn cell_text(lines: &[Src], context: &mut Context) -> Located {
    let lines = body(lines);
    let mut blocks = Vec::new();
    read(&lines, context, false, &mut blocks);
    let mut parts: Vec<Located> = Vec::new();
    for block in blocks {
        match block {
            Block::Paragraph(mut t)
            | Block::Note(mut t)
            | Block::Caption(mut t)
            | Block::Heading { text: mut t, .. } => {
                if let Some(item) = t.text.strip_prefix("\u{2022} ") {
                    t.text = item.to_string();
                }
                parts.push(t);
            }
            _ => {}
        }
    }
    let line = parts.first().map_or_else(|| lines.first().map_or(0, |l| l.number), |p| p.line);
    let text = parts.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n");
    if parts.iter().any(|p| p.markup.is_some()) {
        let source = parts.iter().map(|p| p.markup.as_deref().unwrap_or(&p.text)).collect::<Vec<_>>().join(" ");
        Located::with_markup(line, text, source)
    } else {
        Located::new(line, text)
    }
}

/// A drawn table as a [`Table`]: the header rows joined into one, spans laid out.
fn table(drawn: Drawn, context: &mut Context) -> Option<Table> {
    let rows: Vec<(u32, Vec<WrittenCell>)> = drawn
        .rows
        .into_iter()
        .map(|(line, cells)| {
            let cells = cells
                .into_iter()
                .map(|c| {
                    let mut cell = cell_text(&c.lines, context);
                    // An empty cell (`* - ` with nothing after it) stands at its row's line.
                    if cell.line == 0 {
                        cell.line = line;
                    }
                    WrittenCell { cell, rows: c.rows, columns: c.columns }
                })
                .collect();
            (line, cells)
        })
        .collect();
    let first_line = rows.first().map(|r| r.0)?;
    if context.overflow.is_some() {
        return None;
    }
    let mut laid = match lay_out_within(rows, &mut context.budget) {
        Ok(laid) => laid,
        Err(overflow) => {
            context.overflow = Some((first_line, overflow));
            return None;
        }
    };
    let body = laid.split_off(drawn.header_rows.min(laid.len()));
    let (line, header) = match laid.first() {
        Some(first) => {
            let width = laid.iter().map(|r| r.cells.len()).max().unwrap_or(0);
            let header = (0..width)
                .map(|k| {
                    let words: Vec<&str> =
                        laid.iter().filter_map(|r| r.cells.get(k)).map(|c| c.text.as_str()).collect();
                    words.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
                })
                .collect();
            (first.line, header)
        }
        None => (first_line, Vec::new()),
    };
    Some(Table::new(line, header, body))
}

/// A directive's name, argument, options and content, from its first line at `start`.
struct Directive {
    line: u32,
    name: String,
    argument: String,
    options: Options,
    content: Vec<Src>,
    end: usize,
}

fn directive(lines: &[Src], start: usize) -> Option<Directive> {
    let rest = lines[start].text.strip_prefix(".. ")?;
    let (name, argument) = rest.split_once("::")?;
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || "-_:.".contains(c)) {
        return None;
    }
    let end = indented_end(lines, start + 1, 0);
    let block = body(&lines[start + 1..end]);
    let mut argument = argument.trim().to_string();
    let mut i = 0;
    // The argument may go on over the lines before the options or a blank line.
    while i < block.len() && !blank(&block[i]) && !block[i].text.starts_with(':') && !block[i].text.starts_with(' ') {
        argument.push(' ');
        argument.push_str(block[i].text.trim());
        i += 1;
    }
    let mut options = Options::new();
    while i < block.len() && block[i].text.starts_with(':') {
        let text = &block[i].text[1..];
        if let Some((key, value)) = text.split_once(':') {
            options.push((key.to_string(), value.trim().to_string()));
        }
        i += 1;
        while i < block.len() && block[i].text.starts_with(' ') && !blank(&block[i]) {
            if let Some(last) = options.last_mut() {
                last.1.push(' ');
                last.1.push_str(block[i].text.trim());
            }
            i += 1;
        }
    }
    Some(Directive {
        line: lines[start].number,
        name: name.to_ascii_lowercase(),
        argument,
        options,
        content: block[i..].to_vec(),
        end,
    })
}

/// Directives whose content is not the article's text.
const SKIPPED: &[&str] = &[
    "code",
    "code-block",
    "sourcecode",
    "literalinclude",
    "raw",
    "math",
    "image",
    "figure",
    "include",
    "toctree",
    "highlight",
    "contents",
    "index",
    "meta",
    "graphviz",
    "mermaid",
    "parsed-literal",
    "csv-table-file",
    "automodule",
    "autoclass",
    "program-output",
    "command-output",
    "doctest",
    "testcode",
    "testoutput",
];
/// Admonitions: their text is a note, never a title or a description.
const ADMONITIONS: &[&str] = &[
    "note",
    "warning",
    "tip",
    "important",
    "caution",
    "attention",
    "danger",
    "error",
    "hint",
    "seealso",
    "admonition",
    "versionadded",
    "versionchanged",
    "deprecated",
    "todo",
];

fn read_directive(d: Directive, context: &mut Context, note: bool, out: &mut Vec<Block>) {
    let caption = |argument: &str, context: &Context| {
        located(&[Src { number: 0, text: argument.to_string() }], context).filter(|t| !t.text.is_empty())
    };
    match d.name.as_str() {
        "list-table" | "csv-table" => {
            let directive_line = d.line;
            if let Some(mut title) = caption(&d.argument, context) {
                title.line = directive_line;
                out.push(Block::Caption(title));
            }
            let drawn = if d.name == "list-table" {
                directives::list_table(&d.options, &d.content)
            } else {
                directives::csv_table(&d.options, &d.content, directive_line)
            };
            out.extend(table(drawn, context).map(Block::Table));
        }
        "table" => {
            if let Some(mut title) = caption(&d.argument, context) {
                title.line = d.line;
                out.push(Block::Caption(title));
            }
            read(&d.content, context, note, out);
        }
        "rubric" | "topic" | "sidebar" => {
            if let Some(mut title) = caption(&d.argument, context) {
                title.line = d.line;
                out.push(Block::Paragraph(title));
            }
            read(&d.content, context, note, out);
        }
        name if SKIPPED.contains(&name) => {}
        name if ADMONITIONS.contains(&name) => {
            let mut lines = vec![Src { number: d.line, text: d.argument.clone() }];
            if d.argument.trim().is_empty() || d.name == "admonition" {
                lines.clear();
            } else {
                lines.push(Src { number: 0, text: String::new() });
            }
            lines.extend(d.content);
            read(&lines, context, true, out);
        }
        _ => read(&d.content, context, note, out),
    }
}

/// Reads `lines` (one level of the document) into blocks; `note` makes paragraphs notes.
fn read(lines: &[Src], context: &mut Context, note: bool, out: &mut Vec<Block>) {
    let paragraph = |t: Located| if note { Block::Note(t) } else { Block::Paragraph(t) };
    let mut literal_next = false;
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        let text = line.text.as_str();
        if blank(line) {
            i += 1;
            continue;
        }
        if indent(text) > 0 {
            // An indented block: a literal block after `::`, else a block quote read as text.
            let end = indented_end(lines, i, 0);
            if !literal_next {
                read(&body(&lines[i..end]), context, note, out);
            }
            literal_next = false;
            i = end;
            continue;
        }
        literal_next = false;
        if text.starts_with("..") && (text == ".." || text.starts_with(".. ")) {
            match directive(lines, i) {
                Some(d) => {
                    i = d.end;
                    read_directive(d, context, note, out);
                }
                // A comment, target, footnote or substitution definition.
                None => i = indented_end(lines, i + 1, 0),
            }
            continue;
        }
        // A title with an overline.
        if let Some(c) = adornment(text)
            && let (Some(title), Some(under)) = (lines.get(i + 1), lines.get(i + 2))
            && !blank(title)
            && adornment(&under.text) == Some(c)
        {
            let level = level(context, (c, true));
            out.extend(located(std::slice::from_ref(title), context).map(|text| Block::Heading { level, text }));
            i += 3;
            continue;
        }
        // A title with an underline.
        if let Some(under) = lines.get(i + 1)
            && let Some(c) = adornment(&under.text)
            && adornment(text).is_none()
            && under.text.trim_end().chars().count() >= text.trim().chars().count().min(4)
        {
            let level = level(context, (c, false));
            out.extend(located(std::slice::from_ref(line), context).map(|text| Block::Heading { level, text }));
            i += 2;
            continue;
        }
        if is_grid_border(text) {
            let end = (i..lines.len()).find(|&k| !lines[k].text.starts_with(['+', '|'])).unwrap_or(lines.len());
            out.extend(table(grids::grid_table(&lines[i..end]), context).map(Block::Table));
            i = end;
            continue;
        }
        if is_simple_border(text) {
            let mut end = lines.len();
            let mut borders = 0;
            for k in i..lines.len() {
                if is_simple_border(&lines[k].text) {
                    borders += 1;
                    if borders >= 2 && lines.get(k + 1).is_none_or(blank) {
                        end = k + 1;
                        break;
                    }
                }
            }
            out.extend(table(grids::simple_table(&lines[i..end]), context).map(Block::Table));
            i = end;
            continue;
        }
        if adornment(text).is_some() {
            // A transition (`----`), or an adornment without a title.
            i += 1;
            continue;
        }
        if text.starts_with(':') && (text[1..].contains(": ") || text.ends_with(':')) {
            // A field list (`:orphan:`, `:tags: x`): metadata, not text.
            i = indented_end(lines, i + 1, 0);
            continue;
        }
        if let Some(marker) = list_marker(text) {
            let end = item_end(lines, i, marker);
            let first = Src { number: line.number, text: text.chars().skip(marker).collect() };
            let mut item = vec![first];
            item.extend(body(&lines[i + 1..end]));
            let paragraph_end = item.iter().position(blank).unwrap_or(item.len());
            if let Some(mut t) = located(&item[..paragraph_end], context) {
                t.text.insert_str(0, "\u{2022} ");
                out.push(paragraph(t));
            }
            read(&item[paragraph_end..], context, note, out);
            i = end;
            continue;
        }
        // A definition list item: a one-line term, its definition indented right below it.
        if lines.get(i + 1).is_some_and(|next| !blank(next) && indent(&next.text) > 0)
            && !text.trim_end().ends_with("::")
        {
            i = definition_item(lines, i, context, note, out);
            continue;
        }
        // A paragraph: up to a blank line.
        let end = (i..lines.len()).find(|&k| blank(&lines[k]) || indent(&lines[k].text) > 0).unwrap_or(lines.len());
        let mut paragraph_lines = lines[i..end].to_vec();
        if let Some(last) = paragraph_lines.last_mut()
            && last.text.trim_end().ends_with("::")
        {
            literal_next = true;
            let kept = last.text.trim_end().trim_end_matches("::").trim_end().to_string();
            last.text =
                if last.text.trim_end().ends_with(" ::") || kept.is_empty() { kept } else { format!("{kept}:") };
        }
        out.extend(located(&paragraph_lines, context).filter(|t| !t.text.is_empty()).map(paragraph));
        i = end;
    }
}

/// The width of a bullet or enumerated list item's marker (`- `, `* `, `1. `, `#. `, `(a) `).
fn list_marker(text: &str) -> Option<usize> {
    if ["- ", "* ", "+ ", "\u{2022} "].iter().any(|m| text.starts_with(m)) {
        return Some(2);
    }
    let mark: String = text.chars().take_while(|c| !c.is_whitespace()).collect();
    let inner = mark.trim_start_matches('(').trim_end_matches([')', '.']);
    let enumerated = mark.len() < 6
        && (mark.ends_with('.') || mark.ends_with(')'))
        && (inner == "#"
            || inner.chars().all(|c| c.is_ascii_digit())
            || (inner.len() == 1 && inner.chars().all(char::is_alphabetic)))
        && !inner.is_empty();
    (enumerated && text.len() > mark.len()).then(|| mark.chars().count() + 1)
}

/// The end (exclusive) of the list item starting at `start`.
fn item_end(lines: &[Src], start: usize, marker: usize) -> usize {
    let mut end = start + 1;
    while end < lines.len() {
        let line = &lines[end];
        if !blank(line) && indent(&line.text) < marker {
            break;
        }
        end += 1;
    }
    while end > start + 1 && blank(&lines[end - 1]) {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests;
