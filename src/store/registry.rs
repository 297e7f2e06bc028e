//! Storing the records of a port registry (`registry_ports`, seen through `registered_ports`).

use super::SourceLoad;
use crate::error::{Error, Result};
use crate::parse::registry::RegistryRecord;
use rusqlite::params;

impl SourceLoad<'_, '_> {
    /// Records the records of the port registry being loaded.
    pub fn registry_records(&mut self, records: &[RegistryRecord]) -> Result<()> {
        let path = &self.load.path;
        let mut add = self
            .load
            .tx
            .prepare_cached(
                "INSERT INTO registry_ports (source_id, service_name, transport, port_low, port_high, aliases,
                                             description, reference, frequency, source_line)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .map_err(Error::sqlite(path, "preparing to record registry records"))?;
        for r in records {
            let (low, high) = r.ports.unzip();
            add.execute(params![
                self.source_id,
                r.service_name,
                r.transport,
                low,
                high,
                r.aliases,
                r.description,
                r.reference,
                r.frequency,
                r.line
            ])
            .map_err(Error::sqlite(path, format!("recording the registry record of line {}", r.line)))?;
            self.registered += 1;
        }
        Ok(())
    }
}
