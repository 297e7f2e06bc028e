//! Reading a source's services and rules out of the `port_rules` view into plain records.

use super::{Rule, Service};
use crate::error::{Error, Result};
use crate::store::Database;
use std::collections::HashMap;

/// The names of the sources in the database, in the order they were first ingested.
pub fn source_names(db: &Database) -> Result<Vec<String>> {
    let context = "listing the sources";
    let mut stmt = db.conn.prepare("SELECT name FROM sources ORDER BY id").map_err(Error::sqlite(&db.path, context))?;
    let names = stmt.query_map([], |r| r.get(0)).map_err(Error::sqlite(&db.path, context))?;
    names.collect::<rusqlite::Result<_>>().map_err(Error::sqlite(&db.path, context))
}

/// The services of the source named `name` (as in `sources.name`), each with its rules, in document
/// order; a service is a title with a system service name (sections that repeat both are one
/// service). An unknown name is an error that lists the sources there are.
pub fn read_source(db: &Database, name: &str) -> Result<Vec<Service>> {
    let names = source_names(db)?;
    if !names.iter().any(|n| n == name) {
        let list = if names.is_empty() { "none".to_string() } else { names.join(", ") };
        return Err(Error::database(
            &db.path,
            format!("has no source named `{name}`; sources: {list}"),
            "name two of them, as ingested (the path as given, or --source-name)",
        ));
    }
    // Explicit columns: port_rules gains columns at its end as readers grow.
    let sql = "SELECT service, system_service_name, application_protocol, transport, port_low, port_high, \
               port_kind, source_line
               FROM port_rules WHERE source = ?1 ORDER BY source_line, port_low, port_high";
    let context = format!("reading the rules of `{name}`");
    let mut stmt = db.conn.prepare(sql).map_err(Error::sqlite(&db.path, context.as_str()))?;
    let rows = stmt
        .query_map([name], |r| {
            let rule = Rule {
                application_protocol: r.get(2)?,
                transport: r.get(3)?,
                port_low: r.get(4)?,
                port_high: r.get(5)?,
                port_kind: r.get(6)?,
                line: r.get(7)?,
            };
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, rule))
        })
        .map_err(Error::sqlite(&db.path, context.as_str()))?;
    let mut services: Vec<Service> = Vec::new();
    let mut index: HashMap<(String, Option<String>), usize> = HashMap::new();
    for row in rows {
        let (title, system_service_name, rule) = row.map_err(Error::sqlite(&db.path, context.as_str()))?;
        let key = (title, system_service_name);
        match index.get(&key) {
            Some(&at) => services[at].rules.push(rule),
            None => {
                index.insert(key.clone(), services.len());
                let (title, system_service_name) = key;
                services.push(Service { title, system_service_name, line: rule.line, rules: vec![rule] });
            }
        }
    }
    Ok(services)
}
