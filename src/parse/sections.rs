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
    let t = text.trim();
    let Some(last) = t.chars().last() else { return false };
    let first = t.chars().next().unwrap_or(' ');
    t.chars().count() <= 120
        && !matches!(last, '.' | ':' | ';' | ',' | '?' | '!')
        && !matches!(first, '●' | '•' | '·' | '▪' | '-' | '*' | '–' | '—')
        && t.chars().any(char::is_alphabetic)
        && !mentions_system_service_name(t)
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
        let title_like = !names_system_service && is_title_like(&text.text);
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
}

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
        }
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
                    Block::Paragraph(text) => self.pending.push(Pending::new(text, Role::Paragraph)),
                    Block::Caption(text) => self.pending.push(Pending::new(text, Role::Caption)),
                    Block::Note(text) => self.pending.push(Pending::new(text, Role::Note)),
                    Block::Table(table) => self.on_table(table),
                    Block::Quirk(anomaly) => self.out.push_back(Ok(Event::Anomaly(anomaly))),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::text::TextBlocks;
    use crate::read::Line;

    fn events(doc: &str) -> Vec<Event> {
        let lines = doc.split('\n').enumerate().map(|(i, t)| Ok(Line { number: i as u32 + 1, text: t.to_string() }));
        Sections::new(TextBlocks::new(lines)).collect::<Result<_>>().unwrap()
    }

    fn sections(doc: &str) -> Vec<Section> {
        events(doc)
            .into_iter()
            .filter_map(|e| match e {
                Event::Section(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    const TABLE: &str = "Application protocol Protocol Port\nDNS\nUDP\n53";

    #[test]
    fn the_document_header_is_not_a_section() {
        let doc = format!(
            "Publisher - Knowledge Base\n\nNetwork Ports\n\nProduct Ports\n\nThis section describes each service.\n\n\
             DNS Server\n\nThe DNS Server service answers queries.\n\nSystem Service Name DNS\n\n{TABLE}\n\nFooter line\nPhone"
        );
        let got = sections(&doc);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].title, Located::new(9, "DNS Server"));
        assert_eq!(got[0].description, vec![Located::new(11, "The DNS Server service answers queries.")]);
        assert_eq!(got[0].system_service_lines, vec![Located::new(13, "System Service Name DNS")]);
        assert!(got[0].captions.is_empty());
        assert_eq!(got[0].last_line(), 18);
    }

    #[test]
    fn a_caption_between_description_and_table_is_not_a_title() {
        let doc = format!(
            "First\n\nIt does things.\n\n{TABLE}\n\nSQL Server: Downlevel OLAP Client Support\n\n\
             This service supports old clients.\n\nDefault Ports for OLAP Services Used by SQL Server 7.0\n\n{TABLE}"
        );
        let got = sections(&doc);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].title.text, "SQL Server: Downlevel OLAP Client Support");
        assert_eq!(got[1].captions, vec![Located::new(14, "Default Ports for OLAP Services Used by SQL Server 7.0")]);
        assert_eq!(got[1].description.len(), 1);
    }

    #[test]
    fn a_section_without_description_takes_its_first_title_line() {
        let doc = format!("First\n\nIt does things.\n\n{TABLE}\n\nBare Service\n\n{TABLE}");
        let got = sections(&doc);
        assert_eq!(got[1].title.text, "Bare Service");
        assert!(got[1].description.is_empty() && got[1].captions.is_empty());
    }

    #[test]
    fn a_table_right_after_a_table_joins_its_section_and_is_ledgered() {
        let doc = format!("First\n\nIt does things.\n\n{TABLE}\n\nA sentence only.\n\n{TABLE}");
        let got = sections(&doc);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].tables.len(), 2);
        assert_eq!(got[0].anomalies[0].kind, AnomalyKind::TableWithoutTitle);
    }

    #[test]
    fn a_titled_section_with_a_name_but_no_table_is_ledgered() {
        let doc = format!(
            "First\n\nIt does things.\n\n{TABLE}\n\nLonely Service\n\nIt has no ports.\n\n\
             System Service Name Lonely\n\nNext Service\n\nIt does more.\n\nSystem Service Name Next\n\n{TABLE}"
        );
        let got = events(&doc);
        let lonely: Vec<&Anomaly> = got
            .iter()
            .filter_map(|e| match e {
                Event::Anomaly(a) if a.kind == AnomalyKind::SectionWithoutTable => Some(a),
                _ => None,
            })
            .collect();
        assert_eq!(lonely.len(), 1, "{got:?}");
        assert_eq!((lonely[0].line, lonely[0].raw.as_str()), (10, "Lonely Service"));
        let titles: Vec<String> = sections(&doc).into_iter().map(|s| s.title.text).collect();
        assert_eq!(titles, ["First", "Next Service"]);
    }

    #[test]
    fn a_table_before_any_title_is_a_problem_per_row() {
        let got = events(&format!("{TABLE}\nSMB\nTCP\n445"));
        assert!(matches!(&got[..], [Event::Problem(a), Event::Problem(b)] if a.line == 2 && b.line == 5), "{got:?}");
    }

    #[test]
    fn headings_title_sections_and_later_tables_take_captions() {
        let header = vec!["Application protocol".into(), "Protocol".into(), "Port".into()];
        let table = crate::parse::Table { line: 3, header, rows: vec![] };
        let blocks = vec![
            Block::Heading { level: 2, text: Located::new(1, "Part") },
            Block::Heading { level: 3, text: Located::new(2, "Hyper-V service") },
            Block::Paragraph(Located::new(3, "Hyper-V replica")),
            Block::Table(table.clone()),
            Block::Paragraph(Located::new(5, "Hyper-V live migration")),
            Block::Table(table.clone()),
            Block::Heading { level: 3, text: Located::new(7, "IPAM") },
            Block::Paragraph(Located::new(8, "It listens on port 48885.")),
            Block::Heading { level: 2, text: Located::new(9, "References") },
            Block::Heading { level: 3, text: Located::new(10, "General") },
        ];
        let got: Vec<Event> = Sections::new(blocks.into_iter().map(Ok)).collect::<Result<_>>().unwrap();
        assert_eq!(got.len(), 2, "{got:?}");
        let Event::Section(s) = &got[0] else { panic!() };
        assert_eq!(s.title.text, "Hyper-V service");
        assert_eq!(s.tables.len(), 2);
        assert_eq!(
            s.captions.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(),
            ["Hyper-V replica", "Hyper-V live migration"]
        );
        let Event::Anomaly(a) = &got[1] else { panic!() };
        assert_eq!((a.kind, a.line), (AnomalyKind::SectionWithoutTable, 7));
    }

    #[test]
    fn system_service_name_inside_a_paragraph_is_found() {
        assert!(mentions_system_service_name("Finally, hard-code it. System service name: LSASS."));
        assert!(mentions_system_service_name("System Service Namelanmanserver"));
        assert!(!is_title_like("System Service Name DNS"));
        assert!(is_title_like("MSSQL$UDDI"));
        assert!(!is_title_like("●   Echo, port 7, RFC 862"));
    }

    #[test]
    fn other_tables_are_ledgered_and_own_no_section() {
        let ports = |line| crate::parse::Table {
            line,
            header: vec!["Application protocol".into(), "Protocol".into(), "Ports".into()],
            rows: vec![],
        };
        let summary = crate::parse::Table {
            line: 6,
            header: vec!["Port".into(), "Protocol".into(), "Application protocol".into(), "System service name".into()],
            rows: vec![],
        };
        let blocks = vec![
            Block::Heading { level: 2, text: Located::new(1, "System services ports") },
            Block::Heading { level: 3, text: Located::new(2, "DNS Server") },
            Block::Table(ports(3)),
            Block::Heading { level: 2, text: Located::new(5, "Ports and protocols") },
            Block::Table(summary),
            Block::Heading { level: 2, text: Located::new(8, "References") },
            Block::Paragraph(Located::new(9, "See the help.")),
        ];
        let got: Vec<Event> = Sections::new(blocks.into_iter().map(Ok)).collect::<Result<_>>().unwrap();
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(matches!(&got[0], Event::Section(s) if s.title.text == "DNS Server"));
        let Event::Anomaly(a) = &got[1] else { panic!("{got:?}") };
        assert_eq!((a.kind, a.line), (AnomalyKind::SummaryTable, 6));
    }

    #[test]
    fn a_note_before_a_table_is_description_not_a_caption() {
        let header = vec!["Application protocol".into(), "Protocol".into(), "Port".into()];
        let blocks = vec![
            Block::Heading { level: 3, text: Located::new(1, "Server") },
            Block::Paragraph(Located::new(2, "Shares files.")),
            Block::Note(Located::new(3, "Port 445 only")),
            Block::Table(crate::parse::Table { line: 4, header, rows: vec![] }),
        ];
        let got: Vec<Event> = Sections::new(blocks.into_iter().map(Ok)).collect::<Result<_>>().unwrap();
        let Event::Section(s) = &got[0] else { panic!("{got:?}") };
        assert!(s.captions.is_empty(), "{s:?}");
        assert_eq!(s.description, [Located::new(2, "Shares files."), Located::new(3, "Port 445 only")]);
    }
}

#[cfg(test)]
mod phrase_tests {
    use super::*;

    #[test]
    fn the_label_is_found_in_any_case_and_spacing() {
        assert!(mentions_system_service_name("SYSTEM  SERVICE\u{a0}NAME DNS"));
        assert!(mentions_system_service_name("  System Service Namelanmanserver"));
        assert!(mentions_system_service_name("The names. System service names : ProfSvc, CscService"));
        assert!(!mentions_system_service_name("The system service name is not given here."));
        assert!(!mentions_system_service_name("Systemservice name: x"));
        assert!(!mentions_system_service_name("ecosystem é service"));
        assert!(starts_with_system_service_name(" system service name: X"));
        assert!(!starts_with_system_service_name("A system service name: X"));
    }
}
