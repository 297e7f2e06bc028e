//! Loading clean rows: one write transaction for a whole ingest, one source at a time inside it.

use super::{Database, stopped_or};
use crate::anomaly::{Anomaly, AnomalyKind};
use crate::error::{Error, Result};
use crate::normalize::NormalizedSection;
use crate::stop::Stop;
use rusqlite::config::DbConfig;
use rusqlite::{CachedStatement, OptionalExtension, Transaction, TransactionBehavior, params};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What is recorded about a source besides its rows.
#[derive(Debug, Clone)]
pub struct SourceMeta {
    /// The name the source is ingested under (its path as given, or `--source-name`).
    pub name: String,
    /// `text`, `html` or `markdown`.
    pub format: String,
    /// The encoding it was decoded from.
    pub encoding: String,
    /// The options that shape its rows, e.g. `dynamic-range=1025-5000`.
    pub options: String,
}

/// What the database holds about a source loaded earlier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSource {
    /// The sha256 of the content loaded.
    pub sha256: String,
    /// The format it was read as.
    pub format: String,
    /// The encoding it was decoded from.
    pub encoding: String,
    /// The options that shaped its rows.
    pub options: String,
}

impl StoredSource {
    /// Whether loading content with this fingerprint under `meta` would give the same rows. (What
    /// the document itself said, recorded after `; `, follows from the content.)
    pub fn same(&self, meta: &SourceMeta, sha256: &str) -> bool {
        self.sha256 == sha256
            && self.format == meta.format
            && self.encoding == meta.encoding
            && self.options.split("; ").next() == Some(meta.options.as_str())
    }
}

/// One ingest: a write transaction that commits only if every source loads.
pub struct Load<'db> {
    pub(super) tx: Transaction<'db>,
    pub(super) path: String,
    application_protocols: RefCell<HashMap<String, i64>>,
    /// Whether any source was loaded (rather than found unchanged).
    changed: Cell<bool>,
    /// Indexes dropped for the load, with the SQL that builds them again before the commit.
    deferred_indexes: Vec<String>,
    /// Whether another program's WAL was beside the file: left alone when nothing changed.
    foreign_wal: bool,
    /// Asked before the commit; raising `interruptible` lets it end a long statement.
    stop: Stop,
    interruptible: Arc<AtomicBool>,
    /// Whether the database is built aside, without a journal: a savepoint cannot be rolled back
    /// there, so a source is left out by deleting its rows (it is new: there is nothing to restore).
    unjournaled: bool,
}

/// The loading of one source within a [`Load`].
pub struct SourceLoad<'l, 'db> {
    pub(super) load: &'l Load<'db>,
    pub(super) source_id: i64,
    meta: SourceMeta,
    previous: Option<StoredSource>,
    /// Services loaded so far.
    pub services: u64,
    /// Port rules loaded so far.
    pub rules: u64,
    /// Anomalies recorded so far.
    pub anomalies: u64,
    /// Port registry records loaded so far.
    pub registered: u64,
    /// Rows that could not be read, recorded as `skipped_row` anomalies so far.
    pub unreadable: u64,
    /// The dynamic port rules that await the range the whole document states: id and line.
    awaiting_range: Vec<(i64, u32)>,
}

/// How loading one source ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceOutcome {
    /// The source was loaded (new, or replacing a different earlier version).
    Loaded {
        /// Services loaded.
        services: u64,
        /// Port rules loaded.
        rules: u64,
        /// Anomalies recorded.
        anomalies: u64,
        /// Port registry records loaded.
        registered: u64,
        /// Rows that could not be read (each an anomaly of kind `skipped_row`).
        unreadable: u64,
        /// Whether an earlier version under the same name was replaced.
        replaced: bool,
    },
    /// The same content with the same options was loaded before; nothing changed.
    Unchanged,
    /// The source was left out (see [`SourceLoad::skip`]): the database holds what it held before.
    Skipped,
}

/// A stage of the end of a load, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadStage {
    /// Building the indexes a large first load deferred to its end.
    Indexing,
    /// Building a full-text search index from every row.
    SearchIndex,
    /// Committing the transaction (writing the database out).
    Committing,
}

impl LoadStage {
    /// Its name, as a progress display shows it.
    pub fn name(self) -> &'static str {
        match self {
            LoadStage::Indexing => "indexing",
            LoadStage::SearchIndex => "search index",
            LoadStage::Committing => "committing",
        }
    }
}

impl<'db> Load<'db> {
    /// Starts the ingest's write transaction (waiting for another writer up to the busy timeout).
    /// With `defer_indexes`, a first load (into a database without sources) builds the indexes of
    /// the loaded tables at its end.
    pub fn begin(db: &'db mut Database, defer_indexes: bool) -> Result<Load<'db>> {
        let path = db.path.clone();
        let (stop, interruptible, foreign_wal) = (db.stop, Arc::clone(&db.interruptible), db.foreign_wal);
        let unjournaled = db.is_aside();
        let tx = db
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(Error::sqlite(&path, "starting the ingest transaction (is another kbingest writing?)"))?;
        {
            let mut upsert = tx
                .prepare(
                    "INSERT INTO anomaly_kinds (kind, summary) VALUES (?1, ?2)
                     ON CONFLICT (kind) DO UPDATE SET summary = excluded.summary WHERE summary IS NOT excluded.summary",
                )
                .map_err(Error::sqlite(&path, "recording anomaly kinds"))?;
            for kind in AnomalyKind::ALL {
                upsert
                    .execute(params![kind.name(), kind.summary()])
                    .map_err(Error::sqlite(&path, "recording anomaly kinds"))?;
            }
        }
        let deferred_indexes =
            if defer_indexes { super::plan::drop_indexes_of_first_load(&tx, &path)? } else { Vec::new() };
        Ok(Load {
            tx,
            path,
            application_protocols: RefCell::new(HashMap::new()),
            changed: Cell::new(false),
            deferred_indexes,
            stop,
            interruptible,
            foreign_wal,
            unjournaled,
        })
    }

    /// What is stored about the source of this name, if one was loaded before.
    pub fn stored(&self, name: &str) -> Result<Option<StoredSource>> {
        self.tx
            .query_row("SELECT sha256, format, encoding, options FROM sources WHERE name = ?1", [name], |r| {
                Ok(StoredSource { sha256: r.get(0)?, format: r.get(1)?, encoding: r.get(2)?, options: r.get(3)? })
            })
            .optional()
            .map_err(Error::sqlite(&self.path, "looking up the source"))
    }

    /// Starts loading a source: an earlier source of the same name is removed (inside this
    /// transaction) and the new one recorded.
    pub fn source<'l>(&'l mut self, meta: &SourceMeta) -> Result<SourceLoad<'l, 'db>> {
        let this: &'l Load<'db> = self;
        let path = self.path.clone();
        // A savepoint per source, so that an unchanged source can be put back as it was while the
        // other sources of the same ingest go ahead.
        self.tx.execute_batch("SAVEPOINT source_load").map_err(Error::sqlite(&path, "starting the source"))?;
        let previous = self.stored(&meta.name)?;
        if previous.is_some() {
            self.tx
                .execute("DELETE FROM sources WHERE name = ?1", [&meta.name])
                .map_err(Error::sqlite(&path, "removing the earlier version of the source"))?;
        }
        self.tx
            .execute(
                "INSERT INTO sources (name, sha256, size_bytes, format, encoding, options, ingested_at, tool_version)
                 VALUES (?1, printf('%064d', 0), 0, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?5)",
                params![meta.name, meta.format, meta.encoding, meta.options, env!("CARGO_PKG_VERSION")],
            )
            .map_err(Error::sqlite(&path, "recording the source"))?;
        let source_id = self.tx.last_insert_rowid();
        Ok(SourceLoad {
            load: this,
            source_id,
            meta: meta.clone(),
            previous,
            services: 0,
            rules: 0,
            anomalies: 0,
            registered: 0,
            unreadable: 0,
            awaiting_range: Vec::new(),
        })
    }

    /// Commits the whole ingest. When no source changed, nothing is written at all: the
    /// transaction is rolled back, so the database file stays as it was, byte for byte.
    pub fn commit(self) -> Result<()> {
        self.commit_in_stages(&|_| {})
    }

    /// [`Load::commit`], saying each stage of the end of a load as it starts (building indexes
    /// and search indexes deferred to the end, then committing), which on a large load take
    /// seconds.
    pub fn commit_in_stages(self, stage: &dyn Fn(LoadStage)) -> Result<()> {
        let path = self.path.clone();
        if !self.changed.get() {
            if self.foreign_wal {
                // Closing must not move another program's committed WAL into the file either.
                let _ = self.tx.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true);
            }
            return self.tx.rollback().map_err(Error::sqlite(&path, "ending the ingest"));
        }
        // Building the indexes of a large first load takes a while: a stop may end it.
        self.interruptible.store(true, Ordering::Relaxed);
        let built = self.deferred_indexes.iter().try_for_each(|sql| {
            stage(if sql.contains("('rebuild')") { LoadStage::SearchIndex } else { LoadStage::Indexing });
            self.tx.execute_batch(sql).map_err(stopped_or(self.stop, &path, format!("building an index: {sql}")))
        });
        self.interruptible.store(false, Ordering::Relaxed);
        built?;
        // A stop asked for before this point means no commit.
        self.stop.check()?;
        stage(LoadStage::Committing);
        self.tx.commit().map_err(Error::sqlite(&path, "committing the ingest"))
    }
}

impl<'l> SourceLoad<'l, '_> {
    /// One of the load's statements, from the connection's statement cache.
    fn statement(&self, sql: &str) -> Result<CachedStatement<'l>> {
        self.load.tx.prepare_cached(sql).map_err(Error::sqlite(&self.load.path, format!("preparing {sql}")))
    }

    fn application_protocol_id(&mut self, name: &str) -> Result<i64> {
        if let Some(&id) = self.load.application_protocols.borrow().get(name) {
            return Ok(id);
        }
        let path = &self.load.path;
        self.statement(ADD_PROTOCOL)?
            .execute([name])
            .map_err(Error::sqlite(path, "recording an application protocol"))?;
        let id: i64 = self
            .statement(FIND_PROTOCOL)?
            .query_row([name], |r| r.get(0))
            .map_err(Error::sqlite(path, "looking up an application protocol"))?;
        self.load.application_protocols.borrow_mut().insert(name.to_string(), id);
        Ok(id)
    }

    /// Records an anomaly, of a service or of the source as a whole.
    pub fn anomaly(&mut self, service_id: Option<i64>, anomaly: &Anomaly) -> Result<()> {
        self.statement(ADD_ANOMALY)?
            .execute(params![
                self.source_id,
                service_id,
                anomaly.line,
                anomaly.kind.name(),
                anomaly.raw,
                anomaly.normalized,
                anomaly.message
            ])
            .map_err(Error::sqlite(&self.load.path, "recording an anomaly"))?;
        self.anomalies += 1;
        self.unreadable += u64::from(anomaly.kind == AnomalyKind::SkippedRow);
        Ok(())
    }

    /// Records a normalized section: its service, rules and anomalies. Returns the service's id,
    /// if it has a service.
    pub fn section(&mut self, section: &NormalizedSection) -> Result<Option<i64>> {
        let mut service_id = None;
        if let Some(service) = &section.service {
            self.statement(ADD_SERVICE)?
                .execute(params![
                    self.source_id,
                    service.title,
                    service.system_service_name,
                    service.description,
                    service.first_line,
                    service.last_line
                ])
                .map_err(Error::sqlite(&self.load.path, "recording a service"))?;
            let id = self.load.tx.last_insert_rowid();
            service_id = Some(id);
            self.services += 1;
            for rule in &section.rules {
                let application_protocol_id = self.application_protocol_id(&rule.application_protocol)?;
                let (low, high) = match rule.port.range {
                    Some((low, high)) => (Some(low), Some(high)),
                    None => (None, None),
                };
                let c = &rule.context;
                let (source_low, source_high) = c.source_ports.unzip();
                self.statement(ADD_RULE)?
                    .execute(params![
                        id,
                        application_protocol_id,
                        rule.transport.map(|t| t.ip_protocol()),
                        low,
                        high,
                        rule.port.kind.name(),
                        rule.port_raw,
                        rule.transport_raw,
                        rule.line,
                        c.direction.map(|d| d.name()),
                        c.from_endpoint,
                        c.to_endpoint,
                        source_low,
                        source_high,
                        rule.icmp_type,
                        rule.note,
                        c.row_cells,
                        c.address
                    ])
                    .map_err(Error::sqlite(
                        &self.load.path,
                        format!("recording the port rule of line {}", rule.line),
                    ))?;
                if rule.awaits_document_range {
                    self.awaiting_range.push((self.load.tx.last_insert_rowid(), rule.line));
                }
                self.rules += 1;
            }
        }
        for anomaly in &section.anomalies {
            self.anomaly(service_id, anomaly)?;
        }
        Ok(service_id)
    }

    /// How many dynamic port rules await the range the whole document states, and the line of the
    /// first.
    pub fn awaiting_dynamic_range(&self) -> (u64, u32) {
        (self.awaiting_range.len() as u64, self.awaiting_range.first().map_or(1, |&(_, line)| line))
    }

    /// Gives the dynamic port rules that await it the range the whole document states (none:
    /// they keep NULL ports), and records in `sources.options` where the range came from
    /// (`described`, e.g. `1025-5000 stated at line 263`).
    pub fn give_dynamic_range(&mut self, range: Option<(u16, u16)>, described: &str) -> Result<()> {
        let path = &self.load.path;
        if let Some((low, high)) = range {
            let mut give = self.statement("UPDATE service_ports SET port_low = ?1, port_high = ?2 WHERE id = ?3")?;
            for &(id, _) in &self.awaiting_range {
                give.execute(params![low, high, id])
                    .map_err(Error::sqlite(path, "giving dynamic ports their range"))?;
            }
        }
        self.awaiting_range.clear();
        self.statement("UPDATE sources SET options = options || ?1 WHERE id = ?2")?
            .execute(params![format!("; document dynamic range: {described}"), self.source_id])
            .map_err(Error::sqlite(path, "recording where the dynamic range came from"))?;
        Ok(())
    }

    /// Finishes the source with its fingerprint. If an earlier version had the same content and
    /// options, the source is put back exactly as it was and [`SourceOutcome::Unchanged`] returned.
    pub fn finish(self, sha256: &str, size: u64) -> Result<SourceOutcome> {
        if self.previous.as_ref().is_some_and(|stored| stored.same(&self.meta, sha256)) {
            self.load
                .tx
                .execute_batch("ROLLBACK TO source_load; RELEASE source_load")
                .map_err(Error::sqlite(&self.load.path, "putting back the unchanged source"))?;
            // Ids handed out inside the savepoint are gone with it.
            self.load.application_protocols.borrow_mut().clear();
            return Ok(SourceOutcome::Unchanged);
        }
        self.load
            .tx
            .execute(
                "UPDATE sources SET sha256 = ?1, size_bytes = ?2 WHERE id = ?3",
                params![sha256, size as i64, self.source_id],
            )
            .map_err(Error::sqlite(&self.load.path, "recording the source's fingerprint"))?;
        self.load
            .tx
            .execute_batch("RELEASE source_load")
            .map_err(Error::sqlite(&self.load.path, "finishing the source"))?;
        self.load.changed.set(true);
        Ok(SourceOutcome::Loaded {
            services: self.services,
            rules: self.rules,
            anomalies: self.anomalies,
            registered: self.registered,
            unreadable: self.unreadable,
            replaced: self.previous.is_some(),
        })
    }

    /// Leaves the source out: everything recorded for it is undone, and an earlier version under
    /// the same name is kept as it was.
    pub fn skip(self) -> Result<SourceOutcome> {
        let undo = if self.load.unjournaled {
            format!(
                "DELETE FROM anomaly_log WHERE source_id = {id};
                 DELETE FROM registry_ports WHERE source_id = {id};
                 DELETE FROM prose_port_mentions WHERE service_id IN (SELECT id FROM services WHERE source_id = {id});
                 DELETE FROM service_ports WHERE service_id IN (SELECT id FROM services WHERE source_id = {id});
                 DELETE FROM services WHERE source_id = {id};
                 DELETE FROM sources WHERE id = {id};
                 DELETE FROM application_protocols
                 WHERE id NOT IN (SELECT application_protocol_id FROM service_ports);
                 RELEASE source_load",
                id = self.source_id
            )
        } else {
            "ROLLBACK TO source_load; RELEASE source_load".to_string()
        };
        self.load.tx.execute_batch(&undo).map_err(Error::sqlite(&self.load.path, "leaving out the source"))?;
        // Ids handed out inside the savepoint are gone with it.
        self.load.application_protocols.borrow_mut().clear();
        Ok(SourceOutcome::Skipped)
    }
}

// The statements a source's load runs for every row, prepared once per connection (the
// connection's statement cache keeps them).
const ADD_SERVICE: &str =
    "INSERT INTO services (source_id, title, system_service_name, description, first_line, last_line)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
const ADD_RULE: &str =
    "INSERT INTO service_ports (service_id, application_protocol_id, ip_protocol, port_low, port_high,
                                port_kind, port_raw, transport_raw, source_line, direction, from_endpoint,
                                to_endpoint, source_port_low, source_port_high, icmp_type, note, row_cells,
                                address)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
const ADD_ANOMALY: &str = "INSERT INTO anomaly_log (source_id, service_id, source_line, kind, raw, normalized, message)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
const ADD_PROTOCOL: &str = "INSERT INTO application_protocols (name) VALUES (?1) ON CONFLICT (name) DO NOTHING";
const FIND_PROTOCOL: &str = "SELECT id FROM application_protocols WHERE name = ?1";
