//! The read model of `kbingest ports`, `who` and `report`: the services a database holds, what its
//! full-text index finds, and rows of `port_rules` (every column, whatever later versions add) by
//! service or by port. Only plain values leave this module; the choosing and ranking are
//! `crate::ask`'s.

use super::Database;
use crate::error::{Error, Result};
use rusqlite::types::Value;

/// A service section of a source, with the application protocols of its rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredService {
    /// `services.id`.
    pub id: i64,
    /// The source's name, as ingested.
    pub source: String,
    /// The order the source was first loaded in (`sources.id`).
    pub source_order: i64,
    /// The section's title.
    pub title: String,
    /// Its system service name(s), as the document gives them.
    pub system_service_name: Option<String>,
    /// The line of its title.
    pub line: i64,
    /// The distinct application protocols of its rules.
    pub application_protocols: Vec<String>,
}

/// Rows of a relation: its column names, and each row's values in that order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    /// The column names.
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<Value>>,
}

impl Rows {
    /// The position of the column `name`.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

/// A record of a loaded port registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredPort {
    /// The registry source's name.
    pub source: String,
    /// The registered service name (IANA registers a few numbers without one).
    pub service_name: Option<String>,
    /// `TCP`, `UDP`, `SCTP`, `DCCP`, as the registry gives it (upper case).
    pub transport: Option<String>,
    /// The first port.
    pub port_low: i64,
    /// The last port.
    pub port_high: i64,
    /// The registry's description, if any.
    pub description: Option<String>,
    /// Its line in the registry file.
    pub line: i64,
}

/// Every service of every source (or of `source` alone), by source then document order.
pub fn services(db: &Database, source: Option<&str>) -> Result<Vec<StoredService>> {
    let context = "listing the services";
    let sql = "SELECT se.id, so.name, so.id, se.title, se.system_service_name, se.first_line,
                      (SELECT group_concat(name, char(10)) FROM (SELECT DISTINCT ap.name FROM service_ports sp
                         JOIN application_protocols ap ON ap.id = sp.application_protocol_id
                         WHERE sp.service_id = se.id ORDER BY ap.name))
               FROM services se JOIN sources so ON so.id = se.source_id
               WHERE ?1 IS NULL OR so.name = ?1
               ORDER BY so.id, se.first_line, se.id";
    let mut stmt = db.conn.prepare(sql).map_err(Error::sqlite(&db.path, context))?;
    let rows = stmt
        .query_map([source], |r| {
            let protocols: Option<String> = r.get(6)?;
            Ok(StoredService {
                id: r.get(0)?,
                source: r.get(1)?,
                source_order: r.get(2)?,
                title: r.get(3)?,
                system_service_name: r.get(4)?,
                line: r.get(5)?,
                application_protocols: protocols.map(|p| p.split('\n').map(String::from).collect()).unwrap_or_default(),
            })
        })
        .map_err(Error::sqlite(&db.path, context))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Error::sqlite(&db.path, context))
}

/// The names of the sources, in the order they were first loaded.
pub fn source_names(db: &Database) -> Result<Vec<String>> {
    let context = "listing the sources";
    let mut stmt = db.conn.prepare("SELECT name FROM sources ORDER BY id").map_err(Error::sqlite(&db.path, context))?;
    let names = stmt.query_map([], |r| r.get(0)).map_err(Error::sqlite(&db.path, context))?;
    names.collect::<rusqlite::Result<_>>().map_err(Error::sqlite(&db.path, context))
}

/// The services whose title, system service name or description hold every one of `words`
/// (the full-text index `services_fts`), best first: their ids.
pub fn search_services(db: &Database, words: &[String]) -> Result<Vec<i64>> {
    if words.is_empty() {
        return Ok(Vec::new());
    }
    // Each word a quoted FTS5 string, so that no text is read as query syntax.
    let query: Vec<String> = words.iter().map(|w| format!("\"{}\"", w.replace('"', "\"\""))).collect();
    let context = "searching the services";
    let mut stmt = db
        .conn
        .prepare("SELECT rowid FROM services_fts WHERE services_fts MATCH ?1 ORDER BY rank, rowid")
        .map_err(Error::sqlite(&db.path, context))?;
    let ids = stmt.query_map([query.join(" ")], |r| r.get(0)).map_err(Error::sqlite(&db.path, context))?;
    ids.collect::<rusqlite::Result<_>>().map_err(Error::sqlite(&db.path, context))
}

/// Every column of `port_rules` for the rules of the service `service_id`, in document order.
pub fn rules_of_service(db: &Database, service_id: i64) -> Result<Rows> {
    select_rows(
        db,
        "SELECT * FROM port_rules WHERE service_id = ?1 ORDER BY source_line, ip_protocol, port_low, port_high",
        [Value::Integer(service_id)],
        "reading the rules of a service",
    )
}

/// Every column of `port_rules_registered` (`port_rules` and the names registries give the rule's
/// port) for the rules whose port or range holds `port`, of `transport` where one is given (and
/// of `source`): the narrowest first, a dynamic range after a documented one of the same width.
pub fn rules_holding(db: &Database, port: u16, transport: Option<&str>, source: Option<&str>) -> Result<Rows> {
    select_rows(
        db,
        "SELECT * FROM port_rules_registered
         WHERE ?1 BETWEEN port_low AND port_high AND (?2 IS NULL OR transport = ?2) AND (?3 IS NULL OR source = ?3)
         ORDER BY port_high - port_low, port_kind = 'dynamic', service COLLATE NOCASE, service, source_line,
                  ip_protocol, source",
        [Value::Integer(port.into()), opt(transport), opt(source)],
        "reading the rules of a port",
    )
}

/// The registry records whose port or range holds `port` (of `transport` where one is given, and of
/// `source`), single ports first.
pub fn registered_holding(
    db: &Database,
    port: u16,
    transport: Option<&str>,
    source: Option<&str>,
) -> Result<Vec<RegisteredPort>> {
    let context = "reading the registered names of a port";
    let sql = "SELECT source, service_name, upper(transport), port_low, port_high, description, source_line
               FROM registered_ports
               WHERE ?1 BETWEEN port_low AND port_high AND (?2 IS NULL OR upper(transport) = ?2)
                 AND (?3 IS NULL OR source = ?3)
               ORDER BY port_high - port_low, source, service_name, transport, source_line";
    let mut stmt = db.conn.prepare(sql).map_err(Error::sqlite(&db.path, context))?;
    let rows = stmt
        .query_map(rusqlite::params![port, transport, source], |r| {
            Ok(RegisteredPort {
                source: r.get(0)?,
                service_name: r.get(1)?,
                transport: r.get(2)?,
                port_low: r.get(3)?,
                port_high: r.get(4)?,
                description: r.get(5)?,
                line: r.get(6)?,
            })
        })
        .map_err(Error::sqlite(&db.path, context))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Error::sqlite(&db.path, context))
}

/// The columns of `port_rules_registered`, in order.
pub fn registered_rule_columns(db: &Database) -> Result<Vec<String>> {
    Ok(select_rows(db, "SELECT * FROM port_rules_registered WHERE 0", [], "reading the columns")?.columns)
}

/// Every row of `port_rules` (or of the sources named), ordered by source, then document order.
pub fn all_rules(db: &Database, sources: &[String]) -> Result<Rows> {
    let mut all = select_rows(db, "SELECT * FROM port_rules WHERE 0", [], "reading port_rules")?;
    let names = if sources.is_empty() { source_names(db)? } else { sources.to_vec() };
    for name in names {
        let rows = select_rows(
            db,
            "SELECT * FROM port_rules WHERE source = ?1 ORDER BY source_line, ip_protocol, port_low, port_high",
            [Value::Text(name)],
            "reading port_rules",
        )?;
        all.rows.extend(rows.rows);
    }
    Ok(all)
}

/// Every row of `anomalies` of the sources named (all sources when none is), by source and line.
pub fn anomalies(db: &Database, sources: &[String]) -> Result<Rows> {
    let mut all = select_rows(db, "SELECT * FROM anomalies WHERE 0", [], "reading anomalies")?;
    let names = if sources.is_empty() { source_names(db)? } else { sources.to_vec() };
    for name in names {
        let rows = select_rows(
            db,
            "SELECT * FROM anomalies WHERE source = ?1 ORDER BY source_line, kind",
            [Value::Text(name)],
            "reading anomalies",
        )?;
        all.rows.extend(rows.rows);
    }
    Ok(all)
}

fn opt(text: Option<&str>) -> Value {
    text.map_or(Value::Null, |t| Value::Text(t.to_string()))
}

fn select_rows<const N: usize>(db: &Database, sql: &str, params: [Value; N], context: &str) -> Result<Rows> {
    let mut stmt = db.conn.prepare(sql).map_err(Error::sqlite(&db.path, context))?;
    let columns: Vec<String> = stmt.column_names().map(String::from).collect();
    let n = columns.len();
    let rows = stmt
        .query_map(rusqlite::params_from_iter(params), |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
        .map_err(Error::sqlite(&db.path, context))?;
    let rows = rows.collect::<rusqlite::Result<_>>().map_err(Error::sqlite(&db.path, context))?;
    Ok(Rows { columns, rows })
}
