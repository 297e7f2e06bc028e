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

/// One port or range a loaded registry names (`registered_ports`), as far as a review needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredPort {
    /// `TCP`, `UDP`, `SCTP`, `DCCP`.
    pub transport: String,
    /// First port.
    pub low: u16,
    /// Last port.
    pub high: u16,
    /// The registered name, e.g. `ms-wbt-server`.
    pub name: String,
}

/// Every named port or range of every loaded registry, ordered by transport, port and name.
pub fn registered_ports(db: &super::Database) -> Result<Vec<RegisteredPort>> {
    let sql = "SELECT DISTINCT transport, port_low, port_high, service_name FROM registered_ports
               WHERE transport IS NOT NULL AND port_low IS NOT NULL AND service_name IS NOT NULL
               ORDER BY transport, port_low, port_high, service_name";
    let mut stmt = db.conn.prepare(sql).map_err(Error::sqlite(&db.path, "reading registered_ports"))?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?))
        })
        .map_err(Error::sqlite(&db.path, "reading registered_ports"))?;
    let mut out = Vec::new();
    for row in rows {
        let (transport, low, high, name) = row.map_err(Error::sqlite(&db.path, "reading registered_ports"))?;
        if let (Ok(low), Ok(high)) = (u16::try_from(low), u16::try_from(high)) {
            out.push(RegisteredPort { transport, low, high, name });
        }
    }
    Ok(out)
}
