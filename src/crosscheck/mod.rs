//! Cross-checks: where a document contradicts itself, and where its text was damaged. Pure
//! functions beside normalization: the ports a section's prose mentions ([`mention`]) are compared
//! with the port tables ([`conflict`]), and the text is searched for characters lost in an encoding
//! conversion ([`artifact`]). [`CrossCheck`] is the one seam with the pipeline: it takes a parsed
//! section and its normalized rows, and adds its anomalies to them.

pub mod artifact;
pub mod conflict;
pub mod mention;
pub mod names;

pub use conflict::{ProseChecker, TableEntry};
pub use mention::{ProseMention, prose_mentions};

use crate::anomaly::Anomaly;
use crate::normalize::{NormalizedSection, PortKind};
use crate::parse::sections::Section;

/// The cross-checks of one document, fed section by section in document order.
#[derive(Debug, Default)]
pub struct CrossCheck {
    prose: ProseChecker,
}

impl CrossCheck {
    /// Checks a section: adds its `prose_conflict` and `encoding_artifact` anomalies to
    /// `normalized` and returns the ports its prose mentions. A section without a service (no port
    /// table) is not checked.
    pub fn section(&mut self, section: &Section, normalized: &mut NormalizedSection) -> Vec<ProseMention> {
        let Some(service) = &normalized.service else { return Vec::new() };
        let mentions: Vec<ProseMention> = section.description.iter().flat_map(prose_mentions).collect();
        let entries: Vec<TableEntry> = normalized
            .rules
            .iter()
            .filter(|r| r.port.kind != PortKind::Dynamic)
            .filter_map(|r| {
                let (low, high) = r.port.range?;
                let transport = r.transport.name().to_string();
                Some(TableEntry { name: r.application_protocol.clone(), transport, low, high })
            })
            .collect();
        let conflicts = self.prose.section(&service.title, &entries, &mentions);
        normalized.anomalies.extend(conflicts);
        let texts = std::iter::once(&section.title)
            .chain(&section.description)
            .chain(&section.captions)
            .chain(section.tables.iter().flat_map(|t| t.rows.iter().flat_map(|r| &r.cells)));
        normalized.anomalies.extend(texts.flat_map(artifact::encoding_artifacts));
        mentions
    }

    /// The conflicts that only the whole document shows (see [`ProseChecker::finish`]).
    pub fn finish(self) -> Vec<Anomaly> {
        self.prose.finish()
    }
}
