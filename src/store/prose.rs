//! Storing the ports a section's prose mentions (`prose_port_mentions`, seen through `prose_ports`).

use super::SourceLoad;
use crate::crosscheck::ProseMention;
use crate::error::{Error, Result};
use rusqlite::params;

impl SourceLoad<'_, '_> {
    /// Records the ports that the prose of the service `service_id` mentions.
    pub fn prose_mentions(&mut self, service_id: i64, mentions: &[ProseMention]) -> Result<()> {
        if mentions.is_empty() {
            return Ok(());
        }
        let path = &self.load.path;
        let mut add = self
            .load
            .tx
            .prepare_cached(
                "INSERT INTO prose_port_mentions (service_id, source_line, words, name, transport, port_low, port_high)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(Error::sqlite(path, "preparing to record prose mentions"))?;
        for m in mentions {
            add.execute(params![service_id, m.line, m.words, m.name, m.transport, m.low, m.high])
                .map_err(Error::sqlite(path, format!("recording the port mentioned at line {}", m.line)))?;
        }
        Ok(())
    }
}

/// A port rule of another section, as [`SourceLoad::rules_named`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedRule {
    /// The id of the rule's service.
    pub service_id: i64,
    /// The title of the rule's section.
    pub service: String,
    /// The application protocol as the table names it.
    pub application_protocol: String,
    /// The transport, e.g. `TCP`.
    pub transport: String,
    /// First port.
    pub low: u16,
    /// Last port.
    pub high: u16,
}

impl SourceLoad<'_, '_> {
    /// The fixed and ranged port rules of the source being loaded whose application protocol is
    /// `name` (in any case), in document order.
    pub fn rules_named(&self, name: &str) -> Result<Vec<NamedRule>> {
        let path = &self.load.path;
        let mut find = self
            .load
            .tx
            .prepare_cached(
                "SELECT se.id, se.title, ap.name, tr.name, sp.port_low, sp.port_high
                 FROM service_ports sp
                 JOIN services se ON se.id = sp.service_id
                 JOIN application_protocols ap ON ap.id = sp.application_protocol_id
                 JOIN transports tr ON tr.ip_protocol = sp.ip_protocol
                 WHERE se.source_id = ?1
                   AND sp.application_protocol_id IN (SELECT id FROM application_protocols WHERE name = ?2 COLLATE NOCASE)
                   AND sp.port_low IS NOT NULL AND sp.port_kind <> 'dynamic'
                 ORDER BY se.first_line, sp.source_line",
            )
            .map_err(Error::sqlite(path, "preparing to look up rules by name"))?;
        find.query_map(params![self.source_id, name], |r| {
            Ok(NamedRule {
                service_id: r.get(0)?,
                service: r.get(1)?,
                application_protocol: r.get(2)?,
                transport: r.get(3)?,
                low: r.get(4)?,
                high: r.get(5)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(Error::sqlite(path, format!("looking up the rules of `{name}`")))
    }
}
