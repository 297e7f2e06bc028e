//! Finds the service sections in a stream of [`Block`]s: one path for every format.
//!
//! A section is a title, description paragraphs, an optional system service name line, optional
//! captions, and one or more port tables. Titles come from headings where a document has them;
//! otherwise (the plain-text article) the title is the short, unpunctuated line that opens the
//! description before a table. The document's own header and footer hold no table and so make no
//! section. Tables that are not port tables (summary tables, others) are ledgered where they stand.

use super::label::system_service_label;
use super::{Block, Located, Table};
use crate::anomaly::{Anomaly, AnomalyKind};
use crate::error::{Problem, Result};
use std::collections::VecDeque;

/// A service section as the document lays it out, before normalization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The section's title.
    pub title: Located,
    /// The heading level where the title is a heading; `None` for a title line in plain text.
    pub heading_level: Option<u8>,
    /// Description paragraphs, in order.
    pub description: Vec<Located>,
    /// Paragraphs that give the system service name (normally one).
    pub system_service_lines: Vec<Located>,
    /// Captions between the description and a table.
    pub captions: Vec<Located>,
    /// The section's tables.
    pub tables: Vec<Table>,
    /// Irregularities noticed while finding the section.
    pub anomalies: Vec<Anomaly>,
}

impl Section {
    fn new(title: Located, heading_level: Option<u8>) -> Section {
        Section {
            title,
            heading_level,
            description: Vec::new(),
            system_service_lines: Vec::new(),
            captions: Vec::new(),
            tables: Vec::new(),
            anomalies: Vec::new(),
        }
    }

    /// The last line the section occupies.
    pub fn last_line(&self) -> u32 {
        self.tables.iter().map(Table::last_line).max().unwrap_or(self.title.line).max(self.title.line)
    }
}

/// What the section finder yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A section with at least one table.
    Section(Section),
    /// An irregularity outside any section.
    Anomaly(Anomaly),
    /// A structural problem outside any section (a table with no title).
    Problem(Problem),
}

/// Whether a paragraph gives the system service name (`System Service Name X`, `System service
/// name: **X**`), at its start or inside it.
pub fn mentions_system_service_name(text: &str) -> bool {
    system_service_label(text.trim_start()).is_some()
}

/// Whether a paragraph starts with `System Service Name` (any case and spacing).
pub fn starts_with_system_service_name(text: &str) -> bool {
    system_service_label(text.trim_start()).is_some_and(|label| label.start == 0)
}

/// Whether a paragraph looks like a title or caption: short, not a sentence, not a list item.
pub fn is_title_like(text: &str) -> bool {
    has_title_shape(text) && !mentions_system_service_name(text)
}

/// The form of a title, whatever the words: short, not ending as a sentence, not a list item.
fn has_title_shape(text: &str) -> bool {
    let t = text.trim();
    let Some(last) = t.chars().last() else { return false };
    let first = t.chars().next().unwrap_or(' ');
    t.chars().count() <= 120
        && !matches!(last, '.' | ':' | ';' | ',' | '?' | '!')
        && !matches!(first, '●' | '•' | '·' | '▪' | '-' | '*' | '–' | '—')
        && t.chars().any(char::is_alphabetic)
}

/// What the format says a waiting paragraph is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A plain paragraph: description, title or caption, as its place and form say.
    Paragraph,
    /// Marked a caption by the format.
    Caption,
    /// A note (a block quote): description only, never a title or caption.
    Note,
}

/// A paragraph waiting for the table it belongs to, with what its form says about it (worked out
/// once: every paragraph of a long document passes through here).
#[derive(Debug)]
struct Pending {
    text: Located,
    role: Role,
    title_like: bool,
    names_system_service: bool,
}

impl Pending {
    fn new(text: Located, role: Role) -> Pending {
        let names_system_service = mentions_system_service_name(&text.text);
        // The label was looked for just above: only the shape is left to check.
        let title_like = !names_system_service && has_title_shape(&text.text);
        Pending { text, role, title_like, names_system_service }
    }
}

/// The section finder: an iterator of [`Event`]s over an iterator of blocks.
pub struct Sections<B> {
    blocks: B,
    current: Option<Section>,
    pending: Vec<Pending>,
    /// Heading level of the sections that own tables so far, to tell which table-less headings are
    /// sections that lack a table (same level) and which are mere document structure.
    owner_level: Option<u8>,
    out: VecDeque<Result<Event>>,
    finished: bool,
    /// Of `pending`: how many paragraphs are counted in `pending_bytes` (see `bound_pending`).
    pending_counted: usize,
    pending_bytes: usize,
}

/// Paragraphs waiting for a table are bounded, so that memory does not grow with a long stretch
/// of text without one: beyond this many (or bytes), the older half is let go. Real documents
/// have a few dozen paragraphs between tables.
const MAX_PENDING: usize = 8192;
const MAX_PENDING_BYTES: usize = 16 << 20;

impl<B: Iterator<Item = Result<Block>>> Sections<B> {
    /// The sections of the document whose blocks are `blocks`.
    pub fn new(blocks: B) -> Sections<B> {
        Sections {
            blocks,
            current: None,
            pending: Vec::new(),
            owner_level: None,
            out: VecDeque::new(),
            finished: false,
            pending_counted: 0,
            pending_bytes: 0,
        }
    }

    /// Lets the older half of the waiting paragraphs go once there are too many (called after
    /// every push): they can no
    /// longer become the next table's title or description (sections among them without a table
    /// are still ledgered).
    fn bound_pending(&mut self) {
        if self.pending.len() != self.pending_counted + 1 {
            // Taken by a table or cleared by a heading since the last count (one push adds one).
            (self.pending_counted, self.pending_bytes) = (0, 0);
        }
        self.pending_bytes += self.pending[self.pending_counted..].iter().map(|p| p.text.text.len()).sum::<usize>();
        self.pending_counted = self.pending.len();
        if self.pending.len() <= MAX_PENDING && self.pending_bytes <= MAX_PENDING_BYTES {
            return;
        }
        let (mut keep, mut bytes) = (0, 0);
        for p in self.pending.iter().rev() {
            if keep >= MAX_PENDING / 2 || bytes + p.text.text.len() > MAX_PENDING_BYTES / 2 {
                break;
            }
            (keep, bytes) = (keep + 1, bytes + p.text.text.len());
        }
        let kept = self.pending.split_off(self.pending.len() - keep);
        let gone = std::mem::replace(&mut self.pending, kept);
        if self.current.as_ref().is_none_or(|s| s.heading_level.is_none()) {
            self.out.extend(sections_without_table(&gone).into_iter().map(|a| Ok(Event::Anomaly(a))));
        }
        (self.pending_counted, self.pending_bytes) = (keep, bytes);
    }

    fn wait(&mut self, paragraph: Pending) {
        self.pending.push(paragraph);
        self.bound_pending();
    }

    fn flush(&mut self) {
        let Some(section) = self.current.take() else { return };
        if !section.tables.is_empty() {
            self.out.push_back(Ok(Event::Section(section)));
        } else if section.heading_level.is_some() && section.heading_level == self.owner_level {
            let t = &section.title;
            self.out.push_back(Ok(Event::Anomaly(Anomaly::new(
                t.line,
                AnomalyKind::SectionWithoutTable,
                t.text.clone(),
                None,
                format!("The section \"{}\" has no port table; nothing was loaded for it.", t.text),
            ))));
        }
    }

    fn on_heading(&mut self, level: u8, text: Located) {
        self.flush();
        self.pending.clear();
        if self.owner_level.is_some_and(|owner| level < owner) {
            self.owner_level = None;
        }
        self.current = Some(Section::new(text, Some(level)));
    }

    fn on_table(&mut self, table: Table) {
        if let Some(anomaly) = table.not_loaded() {
            // A summary or unrecognized table is ledgered where it stands: it neither makes a
            // section nor joins one, nor does it make its heading a section that owns tables.
            self.out.push_back(Ok(Event::Anomaly(anomaly)));
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        if let Some(section) = self.current.as_mut().filter(|s| s.heading_level.is_some()) {
            attach_prelude(section, pending, true);
            section.tables.push(table);
            self.owner_level = section.heading_level;
            return;
        }
        let at_start = self.current.is_none();
        match pick_title(&pending, at_start) {
            Some(index) => {
                self.flush();
                let mut before = pending;
                let after = before.split_off(index);
                let mut after = after.into_iter();
                let Some(title) = after.next() else { return };
                for anomaly in sections_without_table(&before) {
                    self.out.push_back(Ok(Event::Anomaly(anomaly)));
                }
                let mut section = Section::new(title.text, None);
                attach_prelude(&mut section, after.collect(), false);
                section.tables.push(table);
                self.current = Some(section);
            }
            None => match self.current.as_mut() {
                Some(section) => {
                    attach_prelude(section, pending, false);
                    section.anomalies.push(Anomaly::new(
                        table.line,
                        AnomalyKind::TableWithoutTitle,
                        format!("table of {} row(s)", table.rows.len()),
                        Some(section.title.text.clone()),
                        format!(
                            "A table with no title of its own was loaded into the section before it, \"{}\".",
                            section.title.text
                        ),
                    ));
                    section.tables.push(table);
                }
                None => {
                    for row in &table.rows {
                        let raw = row.cells.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join(" / ");
                        self.out.push_back(Ok(Event::Problem(Problem {
                            line: row.line,
                            raw,
                            message: "a table row with no section title anywhere before its table; expected a \
                                      title line before the table"
                                .into(),
                        })));
                    }
                }
            },
        }
    }
}

/// Picks the title among the paragraphs before a table: a title-like paragraph that opens a
/// description. At the start of a document the last such (what precedes it is the document's own
/// header); later the first after any complete section without a table (what follows it belongs
/// to the section).
fn pick_title(pending: &[Pending], at_start: bool) -> Option<usize> {
    let candidates: Vec<usize> = pending
        .iter()
        .enumerate()
        .filter(|(_, p)| p.role == Role::Paragraph && !p.names_system_service)
        .map(|(i, _)| i)
        .collect();
    let title_like = |i: usize| pending[i].title_like;
    let opening: Vec<usize> =
        candidates.windows(2).filter(|w| title_like(w[0]) && !title_like(w[1])).map(|w| w[0]).collect();
    // A section that has given its system service name is complete: a title that follows it starts
    // the table's own section (the earlier one has no table).
    let after_complete = pending
        .iter()
        .enumerate()
        .filter(|(_, p)| p.names_system_service)
        .map(|(i, _)| i + 1)
        .rfind(|&k| opening.iter().any(|&c| c >= k))
        .unwrap_or(0);
    let opening: Vec<usize> = opening.into_iter().filter(|&c| c >= after_complete).collect();
    let choose = |v: &[usize]| if at_start { v.last().copied() } else { v.first().copied() };
    choose(&opening).or_else(|| {
        let all: Vec<usize> = candidates.iter().copied().filter(|&i| title_like(i)).collect();
        choose(&all)
    })
}

/// The sections among the paragraphs before a table's title that have no table of their own: a
/// title-like paragraph followed, before the next one, by its own system service name line. (The
/// document's header has no such line, so it is never taken for one.)
fn sections_without_table(before: &[Pending]) -> Vec<Anomaly> {
    let mut found = Vec::new();
    for (i, p) in before.iter().enumerate() {
        if p.role != Role::Paragraph || !p.title_like {
            continue;
        }
        if before[i + 1..].iter().take_while(|q| !q.title_like).any(|q| q.names_system_service) {
            found.push(Anomaly::new(
                p.text.line,
                AnomalyKind::SectionWithoutTable,
                p.text.text.clone(),
                None,
                format!("The section \"{}\" has no port table; nothing was loaded for it.", p.text.text),
            ));
        }
    }
    found
}

/// Sorts the paragraphs between a title and a table into description, system service name lines
/// and captions (title-like lines right before the table, after a description).
fn attach_prelude(section: &mut Section, pending: Vec<Pending>, titled_by_heading: bool) {
    let mut body: Vec<Pending> = Vec::new();
    for p in pending {
        if p.role != Role::Caption && p.names_system_service {
            let at_start = starts_with_system_service_name(&p.text.text);
            section.system_service_lines.push(p.text.clone());
            if !at_start {
                body.push(p);
            }
        } else {
            body.push(p);
        }
    }
    let trailing = body
        .iter()
        .rev()
        .take_while(|p| p.role == Role::Caption || (p.role == Role::Paragraph && p.title_like))
        .count();
    let has_description = body.len() > trailing || titled_by_heading || !section.description.is_empty();
    let split = if has_description { body.len() - trailing } else { body.len() };
    let captions = body.split_off(split);
    section.description.extend(body.into_iter().map(|p| p.text));
    section.captions.extend(captions.into_iter().map(|p| p.text));
}

impl<B: Iterator<Item = Result<Block>>> Iterator for Sections<B> {
    type Item = Result<Event>;

    fn next(&mut self) -> Option<Result<Event>> {
        loop {
            if let Some(event) = self.out.pop_front() {
                return Some(event);
            }
            if self.finished {
                return None;
            }
            match self.blocks.next() {
                None => {
                    self.finished = true;
                    self.flush();
                }
                Some(Err(e)) => {
                    self.finished = true;
                    return Some(Err(e));
                }
                Some(Ok(block)) => match block {
                    Block::Heading { level, text } => self.on_heading(level, text),
                    Block::Paragraph(text) => self.wait(Pending::new(text, Role::Paragraph)),
                    Block::Caption(text) => self.wait(Pending::new(text, Role::Caption)),
                    Block::Note(text) => self.wait(Pending::new(text, Role::Note)),
                    Block::Table(table) => self.on_table(table),
                    Block::Quirk(anomaly) => self.out.push_back(Ok(Event::Anomaly(anomaly))),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests;
