//! Finds the service sections in a stream of [`Block`]s: one path for every format.
//!
//! A section is a title, description paragraphs, an optional system service name line, optional
//! captions, and one or more port tables. Titles come from headings where a document has them;
//! otherwise (the plain-text article) the title is the short, unpunctuated line that opens the
//! description before a table. A heading right before a table, with no description of its own, at
//! the level of a section that has a description and no table yet, is that section's caption (one
//! rule for every format). Paragraphs right below a table that open with a footnote mark are its
//! footnotes. The document's own header and footer, and any other text outside a section, hold no
//! table and make no section: they are ledgered (`unattached_text`). A summary table is handed on
//! ([`Event::Summary`]) to be judged against the per-service tables; other tables that are not
//! port tables are ledgered where they stand.

mod prelude;

use super::label::system_service_label;
use super::table::{PortTable, TableKind, footnote_mark, split_footnotes};
pub use super::words::is_title_like;
use super::{Block, Located};
use crate::anomaly::{Anomaly, AnomalyKind};
use crate::error::{Problem, Result};
use prelude::{Pending, Role, attach_prelude, lead_in, pick_title, sections_without_table, unattached_text};
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
    /// The section's port tables, their columns decided.
    pub tables: Vec<PortTable>,
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
        self.tables.iter().map(|t| t.table.last_line()).max().unwrap_or(self.title.line).max(self.title.line)
    }
}

/// What the section finder yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A section with at least one table.
    Section(Section),
    /// A summary table (KB 832017's closing table): its rows repeat the per-service tables, or
    /// add rows found in none, under the service each row names.
    Summary(PortTable),
    /// An irregularity outside any section.
    Anomaly(Anomaly),
    /// A structural problem outside any section (a table with no title).
    Problem(Problem),
}

/// Whether a paragraph starts with `System Service Name` (any case and spacing).
pub fn starts_with_system_service_name(text: &str) -> bool {
    system_service_label(text.trim_start()).is_some_and(|label| label.start == 0)
}

/// The section finder: an iterator of [`Event`]s over an iterator of blocks.
pub struct Sections<B> {
    blocks: B,
    current: Option<Section>,
    pending: Vec<Pending>,
    /// Heading level of the sections that own tables so far, to tell which table-less headings are
    /// sections that lack a table (same level) and which are mere document structure.
    owner_level: Option<u8>,
    /// A heading that may be the caption of the section before it, until the next block says.
    held: Option<(u8, Located)>,
    /// Whether the last block was a table of the current section or one of its footnotes.
    after_table: bool,
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
            held: None,
            after_table: false,
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

    /// Ledgers paragraphs that end up in no section (a preamble, a footer, remarks after a table).
    fn unattached(&mut self, paragraphs: Vec<Pending>) {
        if let Some(anomaly) = unattached_text(paragraphs) {
            self.out.push_back(Ok(Event::Anomaly(anomaly)));
        }
    }

    /// A heading: it starts a section, unless it is the caption of the section before it (one rule
    /// for every format: a heading right before a table, with no description of its own, at the
    /// level of a section that has a description and no table yet).
    fn on_heading(&mut self, level: u8, text: Located) {
        let described = |s: &Section| !s.description.is_empty() || self.pending.iter().any(|p| p.role != Role::Caption);
        if self.held.is_none()
            && self
                .current
                .as_ref()
                .is_some_and(|s| s.heading_level == Some(level) && s.tables.is_empty() && described(s))
        {
            self.held = Some((level, text));
            return;
        }
        self.start_section(level, text);
    }

    fn start_section(&mut self, level: u8, text: Located) {
        self.end_section();
        if self.owner_level.is_some_and(|owner| level < owner) {
            self.owner_level = None;
        }
        self.current = Some(Section::new(text, Some(level)));
    }

    /// Settles a held heading before the next block: a caption where a port table follows, else a
    /// section's title.
    fn settle_held(&mut self, port_table_follows: bool) {
        let Some((level, text)) = self.held.take() else { return };
        if port_table_follows {
            self.wait(Pending::new(text, Role::Caption));
        } else {
            self.start_section(level, text);
        }
    }

    /// A paragraph or note: a footnote of the table just before it (it opens with a mark such as
    /// `†` or `(*)`), or text waiting for a table.
    fn on_paragraph(&mut self, text: Located, role: Role) {
        if self.after_table
            && footnote_mark(&text.text).is_some()
            && let Some(table) = self.current.as_mut().and_then(|s| s.tables.last_mut())
        {
            table.table.footnotes.extend(split_footnotes(&text));
            return;
        }
        self.after_table = false;
        self.wait(Pending::new(text, role));
    }

    fn on_table(&mut self, kind: TableKind) {
        let table = match kind {
            TableKind::Ports(table) => table,
            TableKind::Summary(table) => {
                // Judged once the per-service tables are normalized: it neither makes a section
                // nor joins one.
                self.out.push_back(Ok(Event::Summary(table)));
                return;
            }
            unrecognized @ TableKind::Unrecognized(_) => {
                // A table that holds no ports is ledgered where it stands: it neither makes a
                // section nor joins one, nor does it make its heading a section that owns tables.
                self.out.extend(unrecognized.not_loaded().map(|a| Ok(Event::Anomaly(a))));
                return;
            }
        };
        let pending = std::mem::take(&mut self.pending);
        if let Some(section) = self.current.as_mut().filter(|s| s.heading_level.is_some()) {
            attach_prelude(section, pending, true);
            section.tables.push(table);
            self.owner_level = section.heading_level;
            self.after_table = true;
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
                self.unattached(before);
                let mut section = Section::new(title.text, None);
                attach_prelude(&mut section, after.collect(), false);
                section.tables.push(table);
                self.current = Some(section);
                self.after_table = true;
            }
            None => match self.current.as_mut() {
                Some(section) => {
                    attach_prelude(section, pending, false);
                    section.anomalies.push(Anomaly::new(
                        table.table.line,
                        AnomalyKind::TableWithoutTitle,
                        format!("table of {} row(s)", table.table.rows.len()),
                        Some(section.title.text.clone()),
                        format!(
                            "A table with no title of its own was loaded into the section before it, \"{}\".",
                            section.title.text
                        ),
                    ));
                    section.tables.push(table);
                    self.after_table = true;
                }
                None if lead_in(&pending).is_some() => {
                    let mut pending = pending;
                    let Some(lead) = pending.pop() else { return };
                    let title = Located::new(lead.text.line, lead_in(std::slice::from_ref(&lead)).unwrap_or_default());
                    let mut section = Section::new(title.clone(), None);
                    // What comes before the lead-in is the section's description.
                    attach_prelude(&mut section, pending, true);
                    section.anomalies.push(Anomaly::new(
                        lead.text.line,
                        AnomalyKind::LeadInTitle,
                        lead.text.text.clone(),
                        Some(title.text.clone()),
                        format!(
                            "No title stands anywhere before this table; the words that introduce it, \"{}\", title it.",
                            title.text
                        ),
                    ));
                    section.tables.push(table);
                    self.current = Some(section);
                    self.after_table = true;
                }
                None => {
                    self.unattached(pending);
                    for row in &table.table.rows {
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

    /// The end of the document: what is held or waiting is settled.
    fn finish(&mut self) {
        self.finished = true;
        if let Some((level, text)) = self.held.take() {
            self.start_section(level, text);
        }
        self.end_section();
    }

    /// Ends the current section: paragraphs after the last table of a section under a heading are
    /// its remarks (description); any other waiting paragraphs belong to no section.
    fn end_section(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        match self.current.as_mut() {
            Some(section) if section.heading_level.is_some() && !section.tables.is_empty() => {
                section.description.extend(pending.into_iter().map(|p| p.text));
                self.flush();
            }
            _ => {
                self.flush();
                self.unattached(pending);
            }
        }
    }
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
                None => self.finish(),
                Some(Err(e)) => {
                    self.finished = true;
                    return Some(Err(e));
                }
                Some(Ok(block)) => self.on_block(block),
            }
        }
    }
}

impl<B: Iterator<Item = Result<Block>>> Sections<B> {
    /// One block, in document order. A held heading is settled first: it is a caption where a
    /// port table follows. Only a paragraph or note keeps the mark that a table was just read
    /// (it may be that table's footnote).
    fn on_block(&mut self, block: Block) {
        match block {
            Block::Table(table) => {
                // The one place a table's kind and column roles are worked out.
                let kind = table.with_data_header().classify();
                self.settle_held(kind.is_port_table());
                self.after_table = false;
                self.on_table(kind);
            }
            Block::Paragraph(text) => {
                self.settle_held(false);
                self.on_paragraph(text, Role::Paragraph);
            }
            Block::Note(text) => {
                self.settle_held(false);
                self.on_paragraph(text, Role::Note);
            }
            Block::Heading { level, text } => {
                self.settle_held(false);
                self.after_table = false;
                self.on_heading(level, text);
            }
            Block::Caption(text) => {
                self.settle_held(false);
                self.after_table = false;
                self.wait(Pending::new(text, Role::Caption));
            }
            Block::Quirk(anomaly) => {
                self.settle_held(false);
                self.after_table = false;
                self.out.push_back(Ok(Event::Anomaly(anomaly)));
            }
        }
    }
}

#[cfg(test)]
mod tests;
