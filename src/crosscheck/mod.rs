//! Cross-checks: where a document contradicts itself, and where its text was damaged. Pure
//! functions beside normalization: the ports a section's prose mentions ([`mention`]) are compared
//! with the port tables ([`conflict`]), and the text is searched for characters lost in an encoding
//! conversion ([`artifact`]). [`check_section`] is the seam with the pipeline: it takes a parsed
//! section and its normalized rows, and adds its anomalies to them.

pub mod artifact;
pub mod conflict;
pub mod mention;
pub mod names;

pub use conflict::{TableEntry, conflict_elsewhere};
pub use mention::{ProseMention, prose_mentions};

use crate::normalize::{NormalizedSection, PortKind};
use crate::parse::sections::Section;

/// The ports a section's prose mentions, and those of them to look for in the other sections.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProsePorts {
    /// Every port the description mentions.
    pub mentions: Vec<ProseMention>,
    /// Named mentions that the section's own table does not list (see [`conflict_elsewhere`]).
    pub unresolved: Vec<ProseMention>,
}

/// Checks a section: adds its `prose_conflict` and `encoding_artifact` anomalies to `normalized`
/// and returns the ports its prose mentions. A section without a service (no port table) is not
/// checked.
pub fn check_section(section: &Section, normalized: &mut NormalizedSection) -> ProsePorts {
    if normalized.service.is_none() {
        return ProsePorts::default();
    }
    let mentions: Vec<ProseMention> = section.description.iter().flat_map(prose_mentions).collect();
    let entries: Vec<TableEntry<'_>> = normalized
        .rules
        .iter()
        .filter(|r| r.port.kind != PortKind::Dynamic)
        .filter_map(|r| {
            // A rule whose page gives no transport cannot contradict a transport in the prose.
            let (low, high) = r.port.range?;
            Some(TableEntry { name: &r.application_protocol, transport: r.transport?.name(), low, high })
        })
        .collect();
    let findings = conflict::check_section(&entries, &mentions);
    normalized.anomalies.extend(findings.conflicts);
    let texts = std::iter::once(&section.title)
        .chain(&section.description)
        .chain(&section.captions)
        .chain(section.tables.iter().flat_map(|t| t.table.rows.iter().flat_map(|r| &r.cells)));
    normalized.anomalies.extend(texts.flat_map(artifact::encoding_artifacts));
    ProsePorts { mentions, unresolved: findings.unresolved }
}
