//! Migration 0009: `sources` rebuilt so that `format` takes `rst`, `asciidoc` and `mdx`. A database
//! made by the schema before it keeps every row and id, every reference, index, trigger and view.

use super::*;
use rusqlite::types::Value;

/// A database at the schema before migration 0009, foreign keys on as kbingest opens one, with a
/// row in every table: the three formats as that schema recorded them (`text`/`markdown` and
/// `format=...` in the options) and sources of the older formats.
fn before_0009() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    let this = MIGRATIONS.iter().position(|(name, _)| name.ends_with("_document_formats.sql")).unwrap();
    for (version, (_, sql)) in MIGRATIONS[..this].iter().enumerate() {
        conn.execute_batch(sql).unwrap();
        conn.pragma_update(None, "user_version", version as i64 + 1).unwrap();
    }
    conn.execute_batch(
        "INSERT INTO sources VALUES
             (3, 'ports.rst', printf('%064d', 3), 10, 'text', 'UTF-8', 'dynamic-range=1025-5000 lenient=false format=rst', 't', 'v'),
             (5, 'ports.adoc', printf('%064d', 5), 10, 'text', 'UTF-8', 'dynamic-range=document strict=false format=asciidoc; document dynamic range: none stated', 't', 'v'),
             (8, 'ports.mdx', printf('%064d', 8), 10, 'markdown', 'UTF-8', 'dynamic-range=1025-5000 lenient=false format=mdx', 't', 'v'),
             (9, 'ports.txt', printf('%064d', 9), 10, 'text', 'windows-1252', 'dynamic-range=1025-5000 lenient=false', 't', 'v'),
             (11, 'KB832017.md', printf('%064d', 11), 10, 'markdown', 'UTF-8', 'dynamic-range=1-2 lenient=false', 't', 'v'),
             (12, 'services', printf('%064d', 12), 10, 'services', 'UTF-8', 'dynamic-range=1025-5000 lenient=false', 't', 'v');
         INSERT INTO services VALUES (4, 3, 'DNS Server', 'DNS', 'resolves names', 1, 9), (6, 8, 'Collector', NULL, '', 1, 5);
         INSERT INTO application_protocols VALUES (1, 'DNS'), (2, 'OTLP');
         INSERT INTO service_ports (id, service_id, application_protocol_id, ip_protocol, port_low, port_high,
                                    port_kind, port_raw, transport_raw, source_line)
             VALUES (20, 4, 1, 17, 53, 53, 'fixed', '53', 'UDP', 8), (21, 6, 2, 6, 4317, 4317, 'fixed', '4317', 'TCP', 3);
         INSERT INTO anomaly_kinds VALUES ('transport_typo', 'x');
         INSERT INTO anomaly_log (id, source_id, service_id, source_line, kind, raw, normalized, message)
             VALUES (30, 3, 4, 8, 'transport_typo', 'UPD', 'UDP', 'UPD read as UDP');
         INSERT INTO registry_ports (id, source_id, service_name, transport, port_low, port_high, source_line)
             VALUES (40, 12, 'domain', 'UDP', 53, 53, 1);
         INSERT INTO prose_port_mentions (id, service_id, source_line, words, name, transport, port_low, port_high)
             VALUES (50, 4, 2, 'port 53', 'DNS', 'UDP', 53, 53);",
    )
    .unwrap();
    conn
}

/// Every row of `relation`, in row order (tables) or as the view gives them.
fn dump(conn: &Connection, relation: &str) -> Vec<Vec<Value>> {
    let mut stmt = conn.prepare(&format!("SELECT * FROM \"{relation}\"")).unwrap();
    let width = stmt.column_count();
    stmt.query_map([], |r| (0..width).map(|i| r.get::<_, Value>(i)).collect())
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// The schema's tables, indexes, triggers and views (name, type, table, SQL), sorted; `sources`'s
/// own definition apart.
fn schema_besides_sources(conn: &Connection) -> Vec<Vec<Value>> {
    let mut stmt = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name <> 'sources' ORDER BY type, name")
        .unwrap();
    stmt.query_map([], |r| (0..4).map(|i| r.get::<_, Value>(i)).collect())
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn names(conn: &Connection, kind: &str) -> Vec<String> {
    let sql = "SELECT name FROM sqlite_schema WHERE type = ?1 AND name NOT LIKE 'sqlite%' ORDER BY name";
    conn.prepare(sql).unwrap().query_map([kind], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
}

#[test]
fn sources_get_their_true_format_and_keep_their_ids_and_everything_else() {
    let conn = before_0009();
    let schema = schema_besides_sources(&conn);
    let mut relations = names(&conn, "table");
    relations.retain(|t| t != "sources");
    relations.extend(names(&conn, "view"));
    let rows: Vec<_> = relations.iter().map(|r| dump(&conn, r)).collect();

    migrate(&conn, ":memory:").unwrap();

    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count("PRAGMA user_version"), latest_version());
    assert_eq!(count("PRAGMA foreign_keys"), 1, "foreign keys are back on");
    assert_eq!(count("SELECT count(*) FROM pragma_foreign_key_check"), 0);
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    let sources: Vec<(i64, String, String)> = conn
        .prepare("SELECT id, format, options FROM sources ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let want = [
        (3, "rst", "dynamic-range=1025-5000 lenient=false"),
        (5, "asciidoc", "dynamic-range=document strict=false; document dynamic range: none stated"),
        (8, "mdx", "dynamic-range=1025-5000 lenient=false"),
        (9, "text", "dynamic-range=1025-5000 lenient=false"),
        (11, "markdown", "dynamic-range=1-2 lenient=false"),
        (12, "services", "dynamic-range=1025-5000 lenient=false"),
    ];
    let want: Vec<(i64, String, String)> = want.iter().map(|(i, f, o)| (*i, f.to_string(), o.to_string())).collect();
    assert_eq!(sources, want);
    // Every other table, index, trigger and view is as it was, and so is every row they give.
    assert_eq!(schema_besides_sources(&conn), schema);
    for (relation, before) in relations.iter().zip(&rows) {
        assert_eq!(&dump(&conn, relation), before, "{relation}");
    }
    // Its one index, the UNIQUE name's, under the name SQLite gives it.
    let indexes: Vec<String> = conn
        .prepare("SELECT name FROM pragma_index_list('sources')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(indexes, ["sqlite_autoindex_sources_1"]);
}

#[test]
fn the_rebuilt_sources_table_is_still_every_rows_parent() {
    let conn = before_0009();
    migrate(&conn, ":memory:").unwrap();
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    // Its constraints: the new names and only known ones, a name once.
    let insert = |id: i64, name: &str, format: &str| {
        conn.execute(
            "INSERT INTO sources VALUES (?1, ?2, printf('%064d', 0), 0, ?3, 'UTF-8', '', 't', 'v')",
            rusqlite::params![id, name, format],
        )
    };
    for (id, format) in [(20, "rst"), (21, "asciidoc"), (22, "mdx")] {
        insert(id, &format!("new.{format}"), format).unwrap();
    }
    assert!(insert(23, "x.docx", "docx").is_err(), "an unknown format");
    assert!(insert(24, "ports.rst", "rst").is_err(), "a name twice");
    assert!(conn.execute("INSERT INTO services VALUES (7, 99, 'T', NULL, '', 1, 1)", []).is_err(), "no such source");
    // Removing a source cascades into its rows, and the search index's triggers follow.
    assert_eq!(count("SELECT count(*) FROM services_fts WHERE services_fts MATCH 'resolves'"), 1);
    conn.execute("DELETE FROM sources WHERE id = 3", []).unwrap();
    assert_eq!(count("SELECT count(*) FROM services_fts WHERE services_fts MATCH 'resolves'"), 0);
    for table in ["services", "service_ports", "anomaly_log", "prose_port_mentions"] {
        let left = count(&format!("SELECT count(*) FROM {table} WHERE id IN (4, 20, 30, 50)"));
        assert_eq!(left, 0, "{table} cascades");
    }
    assert_eq!(count("SELECT count(*) FROM port_rules WHERE source = 'ports.mdx'"), 1);
    conn.execute("DELETE FROM sources WHERE id = 12", []).unwrap();
    assert_eq!(count("SELECT count(*) FROM registry_ports"), 0, "registry_ports cascades");
}
