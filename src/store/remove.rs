//! Removing sources: each named source and everything loaded from it, in one transaction.

use super::Database;
use crate::error::{Error, Result};
use rusqlite::{OptionalExtension, TransactionBehavior};

/// What one removed source held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedSource {
    /// Its name.
    pub name: String,
    /// Services removed with it.
    pub services: u64,
    /// Port rules removed with it.
    pub rules: u64,
    /// Anomalies removed with it.
    pub anomalies: u64,
    /// Port registry records removed with it.
    pub registered: u64,
}

const COUNTS_SQL: &str = "
SELECT so.id,
       (SELECT count(*) FROM services se WHERE se.source_id = so.id),
       (SELECT count(*) FROM service_ports sp JOIN services se ON se.id = sp.service_id WHERE se.source_id = so.id),
       (SELECT count(*) FROM anomaly_log al WHERE al.source_id = so.id),
       (SELECT count(*) FROM registry_ports rp WHERE rp.source_id = so.id)
FROM sources so WHERE so.name = ?1";

/// Removes the sources named, with their services, port rules and anomalies (and application
/// protocol names no other source uses), all or none: an unknown name is an error that lists the
/// sources there are, and nothing is removed.
pub fn remove_sources(db: &mut Database, names: &[String]) -> Result<Vec<RemovedSource>> {
    let path = db.path.clone();
    let tx = db
        .conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(Error::sqlite(&path, "starting the removal (is another kbingest writing?)"))?;
    // Every name is looked up before anything is removed, so that an unknown one lists the
    // sources as they are.
    let mut removed: Vec<(i64, RemovedSource)> = Vec::new();
    for name in names {
        if removed.iter().any(|(_, r)| &r.name == name) {
            continue;
        }
        let count = |r: &rusqlite::Row<'_>, i| r.get::<_, i64>(i).map(|n| n as u64);
        let found: Option<(i64, [u64; 4])> = tx
            .query_row(COUNTS_SQL, [name], |r| {
                Ok((r.get(0)?, [count(r, 1)?, count(r, 2)?, count(r, 3)?, count(r, 4)?]))
            })
            .optional()
            .map_err(Error::sqlite(&path, "looking up the source"))?;
        let Some((id, [services, rules, anomalies, registered])) = found else {
            return Err(unknown_source(&tx, &path, name));
        };
        removed.push((id, RemovedSource { name: name.clone(), services, rules, anomalies, registered }));
    }
    for (id, _) in &removed {
        tx.execute("DELETE FROM sources WHERE id = ?1", [id]).map_err(Error::sqlite(&path, "removing the source"))?;
    }
    tx.execute(
        "DELETE FROM application_protocols WHERE id NOT IN (SELECT application_protocol_id FROM service_ports)",
        [],
    )
    .map_err(Error::sqlite(&path, "removing unused application protocols"))?;
    tx.commit().map_err(Error::sqlite(&path, "committing the removal"))?;
    Ok(removed.into_iter().map(|(_, r)| r).collect())
}

fn unknown_source(tx: &rusqlite::Transaction<'_>, path: &str, name: &str) -> Error {
    let names: rusqlite::Result<Vec<String>> =
        tx.prepare("SELECT name FROM sources ORDER BY name").and_then(|mut s| s.query_map([], |r| r.get(0))?.collect());
    let list = match names {
        Ok(names) if names.is_empty() => "it holds none".to_string(),
        Ok(names) => {
            format!("its sources are {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))
        }
        Err(e) => return Error::sqlite(path, "listing the sources")(e),
    };
    Error::database(
        path,
        format!("has no source named `{name}`; {list}"),
        "name sources as `kbingest sources DB` lists them; nothing was removed",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DEFAULT_BUSY_TIMEOUT;

    #[test]
    fn an_unknown_name_removes_nothing_and_lists_the_sources() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let mut db =
            Database::open_for_write(path.to_str().unwrap(), DEFAULT_BUSY_TIMEOUT, crate::stop::Stop::NEVER).unwrap();
        db.conn
            .execute_batch(
                "INSERT INTO sources VALUES (1, 'a', printf('%064d', 0), 0, 'text', 'UTF-8', '', 'now', 'v');
                 INSERT INTO sources VALUES (2, 'b', printf('%064d', 0), 0, 'text', 'UTF-8', '', 'now', 'v');
                 INSERT INTO services VALUES (1, 1, 'T', NULL, 'RPC things', 1, 1);",
            )
            .unwrap();
        let err = remove_sources(&mut db, &["a".into(), "nope".into()]).unwrap_err().to_string();
        assert!(err.contains("has no source named `nope`; its sources are `a`, `b`"), "{err}");
        let count: i64 = db.conn.query_row("SELECT count(*) FROM sources", [], |r| r.get(0)).unwrap();
        assert_eq!(count, 2, "nothing was removed");
        let removed = remove_sources(&mut db, &["a".into(), "a".into()]).unwrap();
        assert_eq!(removed, [RemovedSource { name: "a".into(), services: 1, rules: 0, anomalies: 0, registered: 0 }]);
        let indexed: i64 = db
            .conn
            .query_row("SELECT count(*) FROM services_fts WHERE services_fts MATCH 'RPC'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(indexed, 0, "the search index follows the cascade");
    }
}
