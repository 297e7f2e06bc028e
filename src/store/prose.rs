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
