//! The paragraphs that wait for a table: which is the section's title, which are description,
//! system service name lines and captions.

use super::{Section, starts_with_system_service_name};
use crate::anomaly::{Anomaly, AnomalyKind};
use crate::parse::Located;
use crate::parse::words::{has_title_shape, mentions_system_service_name};

/// What the format says a waiting paragraph is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
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
pub(super) struct Pending {
    pub(super) text: Located,
    pub(super) role: Role,
    pub(super) title_like: bool,
    pub(super) names_system_service: bool,
}

impl Pending {
    pub(super) fn new(text: Located, role: Role) -> Pending {
        let names_system_service = mentions_system_service_name(&text.text);
        // The label was looked for just above: only the shape is left to check.
        let title_like = !names_system_service && has_title_shape(&text.text);
        Pending { text, role, title_like, names_system_service }
    }
}

/// Picks the title among the paragraphs before a table: a title-like paragraph that opens a
/// description. At the start of a document the last such (what precedes it is the document's own
/// header); later the first after any complete section without a table (what follows it belongs
/// to the section).
pub(super) fn pick_title(pending: &[Pending], at_start: bool) -> Option<usize> {
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

/// The title a table's lead-in gives it where no title stands anywhere before the table: the last
/// waiting paragraph when it introduces the table (it ends with `:`, as `For back-end servers:`),
/// the colon taken off; or the table's caption.
pub(super) fn lead_in(pending: &[Pending]) -> Option<String> {
    let last = pending.last()?;
    let text = last.text.text.trim();
    let title = match last.role {
        Role::Caption => text,
        Role::Paragraph => text.strip_suffix(':')?.trim_end(),
        _ => return None,
    };
    (!title.is_empty()).then(|| title.to_string())
}

/// The sections among the paragraphs before a table's title that have no table of their own: a
/// title-like paragraph followed, before the next one, by its own system service name line. (The
/// document's header has no such line, so it is never taken for one.)
pub(super) fn sections_without_table(before: &[Pending]) -> Vec<Anomaly> {
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
pub(super) fn attach_prelude(section: &mut Section, pending: Vec<Pending>, titled_by_heading: bool) {
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

/// The ledger entry for paragraphs that belong to no section: one entry for the run, at its first
/// line, holding its words. `None` for no paragraphs.
pub(super) fn unattached_text(paragraphs: Vec<Pending>) -> Option<Anomaly> {
    let line = paragraphs.first()?.text.line;
    let words: Vec<String> = paragraphs.into_iter().map(|p| p.text.text).collect();
    Some(Anomaly::new(
        line,
        AnomalyKind::UnattachedText,
        words.join("\n"),
        None,
        format!(
            "{} paragraph(s) outside any port table's section (a preamble, a footer, or remarks after a table); \
             recorded here, not loaded.",
            words.len()
        ),
    ))
}
