//! Questions without SQL: `kbingest ports DB WHAT...` (the rules of the services a name, a role or
//! words point to) and `kbingest who DB PORT...` (the documented rules and registered names of a
//! port). Rows are read through the store's read model ([`crate::store::lookup`]), chosen and
//! ranked by pure functions ([`find`]), and written as a grouped listing ([`show`]) or through the
//! one writer of `export` and `query`.

pub mod find;
pub mod roles;
pub mod show;
mod who;

pub use find::{Found, Reason};
pub use who::{PortQuery, registry_rows};

use crate::error::{Error, Result};
use crate::store::Database;
use crate::store::lookup::{self, RegisteredPort, Rows, StoredService};

/// The services a question found, each with its rules.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRules {
    /// The question, as asked.
    pub asked: String,
    /// The service.
    pub service: StoredService,
    /// Why it was found.
    pub reason: Reason,
    /// Its rules (those of the application protocols asked for, where that is the reason), every
    /// column of `port_rules`.
    pub rules: Rows,
}

/// The answer of `ports`: every service found, best first, the first question's first.
pub fn ports(db: &Database, questions: &[String], source: Option<&str>) -> Result<Vec<ServiceRules>> {
    let services = stored_services(db, source)?;
    let mut answer: Vec<ServiceRules> = Vec::new();
    let mut misses = Vec::new();
    for asked in questions {
        let role = roles::role_named(asked);
        let hits = lookup::search_services(db, &find::words(asked))?;
        let found = find::find(&services, asked, role.as_ref(), &hits);
        if found.is_empty() {
            misses.push(miss(&services, asked, source));
            continue;
        }
        for Found { service, reason } in found {
            let service = &services[service];
            if answer.iter().any(|a| a.service.id == service.id) {
                continue;
            }
            let mut rules = lookup::rules_of_service(db, service.id)?;
            if let Reason::Protocol { protocols } = &reason {
                let at = rules.position("application_protocol");
                rules.rows.retain(|row| {
                    at.and_then(|i| match &row[i] {
                        rusqlite::types::Value::Text(t) => Some(protocols.contains(t)),
                        _ => None,
                    })
                    .unwrap_or(false)
                });
            }
            answer.push(ServiceRules { asked: asked.clone(), service: service.clone(), reason, rules });
        }
    }
    if !misses.is_empty() {
        return Err(Error::database(
            &db.path,
            misses.join("; "),
            "ask for a service by its title, its system service name (DNS, Kdc, LSASS), a role (Active Directory, \
             Remote Desktop, file sharing) or words of its description; `kbingest query DB \"SELECT DISTINCT service, \
             system_service_name FROM port_rules\"` lists the services",
        ));
    }
    Ok(answer)
}

fn stored_services(db: &Database, source: Option<&str>) -> Result<Vec<StoredService>> {
    let services = lookup::services(db, source)?;
    if let Some(name) = source
        && services.is_empty()
    {
        let names = lookup::source_names(db)?;
        if !names.iter().any(|n| n == name) {
            let list = if names.is_empty() { "none".to_string() } else { names.join(", ") };
            return Err(Error::database(
                &db.path,
                format!("has no source named `{name}`; sources: {list}"),
                "name a source as `kbingest sources DB` lists it",
            ));
        }
    }
    Ok(services)
}

fn miss(services: &[StoredService], asked: &str, source: Option<&str>) -> String {
    let near = find::nearest_names(services, &roles::roles(), asked);
    let place = source.map_or(String::new(), |s| format!(" in source `{s}`"));
    let what = format!(
        "no service matches {asked:?}{place} (by title, system service name, role, application protocol or \
         description)"
    );
    if near.is_empty() {
        return what;
    }
    let near: Vec<String> = near.iter().map(|n| format!("{n:?}")).collect();
    format!("{what}; the nearest names: {}", near.join(", "))
}

/// The answer of `who` for one port.
#[derive(Debug, Clone, PartialEq)]
pub struct PortAnswer {
    /// The port asked for.
    pub query: PortQuery,
    /// The documented rules whose port or range holds it, narrowest first: every column of
    /// `port_rules_registered`.
    pub rules: Rows,
    /// The records of loaded registries whose port or range holds it.
    pub registered: Vec<RegisteredPort>,
}

/// The answer of `who`, one entry per port asked for, in the order asked.
pub fn who(db: &Database, queries: &[PortQuery], source: Option<&str>) -> Result<Vec<PortAnswer>> {
    if let Some(name) = source {
        stored_services(db, Some(name))?;
    }
    let mut answers = Vec::new();
    for query in queries {
        let transport = query.transport.map(|t| t.name());
        let rules = lookup::rules_holding(db, query.port, transport, source)?;
        // Registries are sources too: naming a document leaves them out, naming a registry the documents.
        let registered = lookup::registered_holding(db, query.port, transport, source)?;
        answers.push(PortAnswer { query: *query, rules, registered });
    }
    Ok(answers)
}
