//! Datasette metadata (`kbingest metadata DB`), made from the database itself: a title and
//! description for each table and view it has and for each column it has, from the one catalog
//! of meanings (`store::catalog`); credit and licence for the documents it holds, where kbingest
//! knows them; facets and sort orders; two canned queries ("ports for a service", "services on a
//! port"). Datasette finds the FTS5 indexes of `services` and `anomaly_log` by itself; `port_rules`,
//! a view, is searched through its services' index (`fts_table`, `fts_pk`).

use super::relations;
use crate::error::{Error, Result};
use crate::store::Database;
use crate::store::catalog::relation_doc;
use serde_json::{Map, Value, json};
use std::path::Path;

/// A published document kbingest recognizes, with its credit.
struct KnownDocument {
    /// Whose, and what it is.
    credit: &'static str,
    /// Where it is published.
    url: Option<&'static str>,
    /// Its licence and the licence's text, where known.
    license: Option<(&'static str, &'static str)>,
    /// Words a source's name holds when it is this document (lower case).
    name_holds: &'static [&'static str],
    /// SHA-256 of editions known byte for byte.
    sha256: &'static [&'static str],
}

const KNOWN_DOCUMENTS: &[KnownDocument] = &[
    KnownDocument {
        credit: "Microsoft, KB 832017: Service overview and network port requirements for Windows",
        url: Some(
            "https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/service-overview-and-network-port-requirements",
        ),
        license: Some(("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")),
        name_holds: &["832017", "service-overview-and-network-port-requirements"],
        // tests/fixtures/kb832017-2020-09.md, the revision of 2020-09-08.
        sha256: &["8741c4a066f97201437d5c59085fa11cbbdbf7c373ecbed40765b31610562d2f"],
    },
    KnownDocument {
        credit: "Microsoft, Network Ports Used by Key Microsoft Server Products (Windows Server 2003 era)",
        url: None,
        license: None,
        name_holds: &[],
        // raw/ports.txt.
        sha256: &["da5178ef46f37c6cbe201de3261302d662e250280696eee7b97158c43d32d5e4"],
    },
];

fn recognize(name: &str, sha256: &str) -> Option<&'static KnownDocument> {
    let name = name.to_lowercase();
    KNOWN_DOCUMENTS.iter().find(|d| d.sha256.contains(&sha256) || d.name_holds.iter().any(|w| name.contains(w)))
}

/// The name Datasette gives a database file: its name without the extension.
fn database_name(path: &str) -> String {
    Path::new(path).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| path.to_string())
}

/// Markdown as plain text: Datasette shows column descriptions as text.
fn plain(markdown: &str) -> String {
    markdown.replace('`', "").replace("\\|", "|")
}

fn sentence(summary: &str) -> String {
    let mut chars = summary.chars();
    let first = chars.next().map(|c| c.to_uppercase().to_string()).unwrap_or_default();
    plain(&format!("{first}{}.", chars.as_str()))
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Datasette's metadata for the database `db`, keyed by the name Datasette gives it.
pub fn metadata(db: &Database) -> Result<Value> {
    // The credit Datasette shows on the database's page and on every table's (a document with a
    // licence first); each source's own credit is in the database's description.
    let known: Vec<&KnownDocument> = known_sources(db)?.into_iter().flatten().collect();
    let mut credit = Map::new();
    if let Some(doc) = known.iter().find(|d| d.license.is_some()).or(known.first()) {
        credit.insert("source".into(), Value::from(doc.credit));
        if let Some(url) = doc.url {
            credit.insert("source_url".into(), Value::from(url));
        }
        if let Some((license, url)) = doc.license {
            credit.insert("license".into(), Value::from(license));
            credit.insert("license_url".into(), Value::from(url));
        }
    }
    let mut tables = Map::new();
    for relation in relations(db)? {
        let Some(doc) = relation_doc(&relation.name) else { continue };
        let present = column_names(db, &relation.name)?;
        let mut columns = Map::new();
        for name in &present {
            if let Some(column) = doc.column(name) {
                columns.insert(name.clone(), Value::from(plain(column.meaning)));
            }
        }
        let mut table = credit.clone();
        table.insert("title".into(), Value::from(doc.title));
        table.insert("description".into(), Value::from(sentence(doc.summary)));
        table.insert("columns".into(), Value::Object(columns));
        let facets: Vec<&str> = doc.facets.iter().copied().filter(|f| present.iter().any(|p| p == f)).collect();
        if !facets.is_empty() {
            table.insert("facets".into(), json!(facets));
        }
        if let Some(sort) = doc.sort.filter(|s| present.iter().any(|p| p == s)) {
            table.insert("sort".into(), Value::from(sort));
        }
        if let Some(label) = doc.label.filter(|l| present.iter().any(|p| p == l)) {
            table.insert("label_column".into(), Value::from(label));
        }
        // A view has no index of its own: a rule is found by its service's title, system service
        // name and description, whose index's row id is the rule's service_id.
        if relation.name == "port_rules" && present.iter().any(|p| p == "service_id") {
            table.insert("fts_table".into(), Value::from("services_fts"));
            table.insert("fts_pk".into(), Value::from("service_id"));
        }
        tables.insert(relation.name.clone(), Value::Object(table));
    }
    let mut database = credit;
    database.insert("description_html".into(), Value::from(sources_html(db)?));
    database.insert("tables".into(), Value::Object(tables));
    database.insert("queries".into(), canned_queries());
    Ok(json!({
        "title": "Network ports of Microsoft server products",
        "description": "Which ports and protocols Windows services need, as the knowledge-base documents give them, \
                        one row per service, application protocol, transport and port in port_rules; every \
                        departure from a document's regular form in anomalies. Made by kbingest.",
        "databases": { database_name(&db.path): Value::Object(database) },
    }))
}

/// The rules a service's name, system service name or description words point to, best first,
/// with the same ranking as `kbingest ports` without its aliases: the title or name itself, then
/// titles holding the words, then the description's words (an FTS5 phrase, quoted so that any text
/// is a valid query).
const PORTS_FOR_SERVICE: &str = "\
SELECT pr.service, pr.system_service_name, pr.application_protocol, pr.transport, pr.port_low, pr.port_high,
       pr.port_kind, pr.source, pr.source_line
FROM port_rules pr
LEFT JOIN (SELECT rowid AS id, rank FROM services_fts
           WHERE services_fts MATCH '\"' || replace(:service, '\"', '\"\"') || '\"') found ON found.id = pr.service_id
WHERE lower(pr.service) = lower(:service) OR lower(pr.system_service_name) = lower(:service)
   OR pr.service LIKE '%' || :service || '%' OR found.id IS NOT NULL
ORDER BY lower(pr.service) = lower(:service) OR lower(pr.system_service_name) = lower(:service) DESC,
         pr.service LIKE '%' || :service || '%' DESC, found.rank, pr.source, pr.service, pr.source_line";

/// Every rule whose port or range holds a port, the narrowest first, as `kbingest who` lists them.
const SERVICES_ON_PORT: &str = "\
SELECT pr.service, pr.system_service_name, pr.application_protocol, pr.transport, pr.port_low, pr.port_high,
       pr.port_kind, pr.source, pr.source_line
FROM port_rules pr
WHERE CAST(:port AS INTEGER) BETWEEN pr.port_low AND pr.port_high
ORDER BY pr.port_high - pr.port_low, pr.port_kind = 'dynamic', pr.source, pr.service, pr.source_line";

/// Datasette's canned queries: a form with one field each.
fn canned_queries() -> Value {
    json!({
        "ports_for_service": {
            "title": "Ports for :service",
            "description": "The port rules of the services whose title or system service name is or holds the words, \
                            or whose description does (e.g. DNS, Kdc, Terminal Services, replication)",
            "sql": PORTS_FOR_SERVICE,
        },
        "services_on_port": {
            "title": "Services on :port",
            "description": "Every documented rule whose port or range holds the port (e.g. 135), the narrowest first",
            "sql": SERVICES_ON_PORT,
        },
    })
}

fn column_names(db: &Database, relation: &str) -> Result<Vec<String>> {
    let context = format!("reading the columns of {relation}");
    let mut stmt =
        db.conn.prepare("SELECT name FROM pragma_table_info(?1)").map_err(Error::sqlite(&db.path, &context))?;
    let names = stmt.query_map([relation], |r| r.get(0)).map_err(Error::sqlite(&db.path, &context))?;
    names.collect::<rusqlite::Result<_>>().map_err(Error::sqlite(&db.path, context))
}

fn sources(db: &Database) -> Result<Vec<(String, String)>> {
    let mut stmt = db
        .conn
        .prepare("SELECT name, sha256 FROM sources ORDER BY name")
        .map_err(Error::sqlite(&db.path, "listing the sources"))?;
    let rows =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(Error::sqlite(&db.path, "listing the sources"))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Error::sqlite(&db.path, "listing the sources"))
}

fn known_sources(db: &Database) -> Result<Vec<Option<&'static KnownDocument>>> {
    Ok(sources(db)?.iter().map(|(name, sha)| recognize(name, sha)).collect())
}

/// One line per source: its name, and what kbingest knows of its origin and licence.
fn sources_html(db: &Database) -> Result<String> {
    let mut html = String::from("<p>Sources:</p><ul>");
    for (name, sha) in sources(db)? {
        html.push_str(&format!("<li><code>{}</code>: ", escape_html(&name)));
        match recognize(&name, &sha) {
            None => html.push_str("origin not known to kbingest"),
            Some(doc) => {
                match doc.url {
                    Some(url) => html.push_str(&format!("<a href=\"{url}\">{}</a>", escape_html(doc.credit))),
                    None => html.push_str(&escape_html(doc.credit)),
                }
                if let Some((license, url)) = doc.license {
                    html.push_str(&format!(", licensed <a href=\"{url}\">{license}</a>"));
                }
            }
        }
        html.push_str("</li>");
    }
    html.push_str("</ul>");
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_recognized_by_name_or_by_content() {
        assert_eq!(recognize("kb832017.md", "x").unwrap().license.unwrap().0, "CC BY 4.0");
        let raw = "da5178ef46f37c6cbe201de3261302d662e250280696eee7b97158c43d32d5e4";
        assert!(recognize("anything.txt", raw).unwrap().license.is_none());
        assert!(recognize("notes.txt", "0").is_none());
    }

    #[test]
    fn canned_queries_run_on_a_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.db");
        let db = Database::open_for_write(
            path.to_str().unwrap(),
            crate::store::DEFAULT_BUSY_TIMEOUT,
            crate::stop::Stop::NEVER,
        )
        .unwrap();
        for (sql, value) in [(PORTS_FOR_SERVICE, "a \"quoted\" (odd) word*"), (SERVICES_ON_PORT, "135")] {
            let mut stmt = db.conn.prepare(sql).unwrap();
            let name = if sql == SERVICES_ON_PORT { ":port" } else { ":service" };
            let i = stmt.parameter_index(name).unwrap().unwrap();
            stmt.raw_bind_parameter(i, value).unwrap();
            assert!(stmt.raw_query().next().unwrap().is_none(), "an empty database has no rows");
        }
    }

    #[test]
    fn words_for_datasette() {
        assert_eq!(sentence("one row per `x`"), "One row per x.");
        assert_eq!(plain("`text\\|html`"), "text|html");
        assert_eq!(database_name("dir/ports.db"), "ports");
        assert_eq!(escape_html("<a & b>"), "&lt;a &amp; b&gt;");
    }
}
